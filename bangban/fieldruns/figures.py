"""The yearly list (年度清单) and its figures — one definition, used by the page, the API and the
Excel export.

The list holds the runs recorded (已完成, 整改中 or 已销号) whose run day falls in the year, in the
user's scope. Per unit:

* 跑现场次数 (`runs`) — those runs;
* 发现问题 (`findings`) — the problems recorded on them;
* 整改事项 (`items`) — the problems made rectification items;
* 已销项 (`items_verified`) — items the run's unit head verified;
* 按期完成 (`items_on_time`) — verified items whose 整改完成 day is on or before the deadline;
* 超期未改 (`items_overdue`) — items still 整改中 past their deadline (on `today`);
* 转为诉求 (`cases`) — problems handed to the case system.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet

from bangban.core.errors import ValidationFailed

from .access import is_reader, visible_runs
from .models import Finding, Item, ItemStatus, Run, RunStatus

RECORDED = (RunStatus.DONE, RunStatus.RECTIFYING, RunStatus.CLOSED)
FIGURE_FIELDS = ("runs", "findings", "items", "items_verified", "items_on_time", "items_overdue", "cases")
FIGURE_HEADERS = ("跑现场次数", "发现问题", "整改事项", "已销项", "按期完成", "超期未改", "转为诉求")


@dataclass
class UnitFigures:
    unit_id: int
    unit_name: str
    runs: int = 0
    findings: int = 0
    items: int = 0
    items_verified: int = 0
    items_on_time: int = 0
    items_overdue: int = 0
    cases: int = 0

    def values(self) -> list[int]:
        return [getattr(self, f) for f in FIGURE_FIELDS]


@dataclass
class Totals:
    units: list[UnitFigures] = field(default_factory=list)

    def sums(self) -> list[int]:
        return [sum(getattr(u, f) for u in self.units) for f in FIGURE_FIELDS]


def is_overdue(item: Item, today: dt.date) -> bool:
    """An item still 整改中 past its deadline."""
    return item.status == ItemStatus.OPEN and item.deadline < today


def on_time(item: Item) -> bool:
    return item.status == ItemStatus.VERIFIED and item.done_on is not None and item.done_on <= item.deadline


def parse_year(value: Any, default: int) -> int:
    text = str(value or "").strip()
    if not text:
        return default
    if not (text.isdigit() and len(text) == 4 and 2000 <= int(text) <= 2100):
        raise ValidationFailed("年份格式不正确，应为 2026", code="invalid_year", details={"field": "year"})
    return int(text)


def yearly_runs(user: Any, year: int, unit: Any = "") -> QuerySet[Run]:
    """The runs of the yearly list: recorded, run in `year`, in the user's scope (one unit's with
    `unit`), with their findings and items."""
    qs = (
        visible_runs(user)
        .filter(status__in=RECORDED, done_on__year=year)
        .select_related("unit", "runner")
        .prefetch_related(
            Prefetch("findings", queryset=Finding.objects.select_related("case").order_by("seq")),
            Prefetch(
                "items",
                queryset=Item.objects.select_related("owner_unit", "finding").order_by("finding__seq"),
            ),
        )
        .order_by("unit__name", "done_on", "pk")
    )
    if not is_reader(user):
        # A unit head's list holds his own unit's runs (not those where his unit owns an item).
        qs = qs.filter(unit_id=getattr(user, "unit_id", 0) or 0)
    unit_text = str(unit or "").strip()
    if unit_text:
        qs = qs.filter(unit_id=int(unit_text) if unit_text.isdigit() and len(unit_text) < 12 else 0)
    return qs


def unit_figures(runs: Iterable[Run], today: dt.date) -> Totals:
    """The figures per unit of these runs (with findings and items prefetched), units by name."""
    by_unit: dict[int, UnitFigures] = {}
    for run in runs:
        row = by_unit.setdefault(run.unit_id, UnitFigures(run.unit_id, run.unit.name))
        row.runs += 1
        findings = list(run.findings.all())
        items = list(run.items.all())
        row.findings += len(findings)
        row.cases += sum(1 for f in findings if f.case_id is not None)
        row.items += len(items)
        row.items_verified += sum(1 for i in items if i.status == ItemStatus.VERIFIED)
        row.items_on_time += sum(1 for i in items if on_time(i))
        row.items_overdue += sum(1 for i in items if is_overdue(i, today))
    return Totals(sorted(by_unit.values(), key=lambda u: u.unit_name))


def findings_text(run: Run) -> str:
    if run.no_problem:
        return f"未发现问题（检查内容：{run.checked}）"
    return "\n".join(
        f"{f.seq}. {f.text}" + (f"（已转诉求 {f.case.number}）" if f.case else "") for f in run.findings.all()
    )


def changes_text(run: Run, today: dt.date) -> str:
    lines = []
    for i in run.items.all():
        state = i.get_status_display() + ("，超期" if is_overdue(i, today) else "")
        line = f"{i.finding.seq}. {i.owner_unit.name} {i.owner_person}，时限 {i.deadline:%Y-%m-%d}，{state}"
        if i.change:
            line += f"：{i.change}"
        lines.append(line)
    return "\n".join(lines)
