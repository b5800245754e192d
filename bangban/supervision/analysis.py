"""Reads of 分析研判 (R10) and of the monthly 处置分析会 (R11.2).

The month list says, for each month from the first month ledgers were due in, whether its
处置分析会 was held, what ledgers it drew on, and how its decided tasks stand. A month is flagged
(未召开) once it has ended without a held meeting; a month still in progress never is. Every
answer takes the clock (`now`) as a parameter."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Min, Q
from django.utils import timezone

from bangban.workdays.arithmetic import SHANGHAI

from . import access, figures
from .models import AnalysisMeeting, Ledger, LedgerStatus

MAX_MONTHS = 36

# The one wording of a month's standing; `flagged` months are those the list marks red.
STATES = {
    "held": "已召开",
    "planned": "已安排，待召开",
    "in_progress": "本月进行中",
    "missed": "未召开",
    "missed_ledgers": "未召开（台账缺失）",
}


def month_state(*, ended: bool, meeting_status: str | None, ledgers_complete: bool) -> tuple[str, bool]:
    """(state key of `STATES`, flagged). Pure: whether the month has ended, the meeting's status
    (None: none scheduled) and whether every ledger of its period was submitted."""
    if meeting_status == "held":
        return "held", False
    if not ended:
        return ("planned" if meeting_status else "in_progress"), False
    return ("missed" if ledgers_complete else "missed_ledgers"), True


@dataclass
class MonthRow:
    year: int
    month: int
    ledger_year: int
    ledger_month: int
    ledger_due: dt.date | None
    ledgers: int
    submitted: int
    state: str
    flagged: bool
    meeting: Any = None
    tasks: dict[str, int] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return STATES[self.state]

    @property
    def missing(self) -> int:
        return self.ledgers - self.submitted


def _months(start: tuple[int, int], end: tuple[int, int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    y, m = start
    while (y, m) <= end and len(out) < MAX_MONTHS * 4:
        out.append((y, m))
        y, m = figures.next_month(y, m)
    return out


def month_rows(user: Any, now: dt.datetime, *, last: int = 12) -> list[MonthRow]:
    """The months (newest first, at most `last`) from the first month any ledger was due in up to
    the current month of `now`."""
    access.require_viewer(user)
    if not access.can_see_analysis_meetings(user):
        return []
    local = timezone.localtime(now, SHANGHAI)
    current = (local.year, local.month)
    first = Ledger.objects.order_by("year", "month").values_list("year", "month").first()
    if first is None:
        return []
    start = figures.next_month(*first)
    months = _months(start, current)[-max(1, min(last, MAX_MONTHS)) :]
    if not months:
        return []
    ledger_counts: dict[tuple[int, int], tuple[int, int, dt.date | None]] = {}
    for (y, m), total, done, due in _ledger_totals(months):
        ledger_counts[(y, m)] = (total, done, due)
    meetings = {
        (a.year, a.month): a
        for a in AnalysisMeeting.objects.filter(
            Q(*[Q(year=y, month=m) for y, m in months], _connector=Q.OR)
        ).select_related("meeting")
    }
    tasks = _task_counts([a.meeting_id for a in meetings.values()], now)
    rows = []
    for y, m in reversed(months):
        ly, lm = figures.previous_month(y, m)
        total, done, due = ledger_counts.get((ly, lm), (0, 0, None))
        meeting = meetings.get((y, m))
        _, month_end = figures.month_bounds(y, m)
        state, flagged = month_state(
            ended=now >= month_end,
            meeting_status=meeting.meeting.status if meeting else None,
            ledgers_complete=total > 0 and done == total,
        )
        rows.append(
            MonthRow(y, m, ly, lm, due, total, done, state, flagged, meeting,
                     tasks.get(meeting.meeting_id, {}) if meeting else {})
        )  # fmt: skip
    return rows


def _ledger_totals(months: list[tuple[int, int]]) -> list[tuple[tuple[int, int], int, int, Any]]:
    periods = [figures.previous_month(y, m) for y, m in months]
    q = Q(*[Q(year=y, month=m) for y, m in periods], _connector=Q.OR)
    rows = (
        Ledger.objects.filter(q)
        .values("year", "month")
        .annotate(total=Count("id"), done=Count("id", filter=Q(status=LedgerStatus.SUBMITTED)))
        .order_by()
    )
    dues = dict(
        ((r["year"], r["month"]), r["due"])
        for r in Ledger.objects.filter(q).values("year", "month").annotate(due=Min("due_date")).order_by()
    )
    return [((r["year"], r["month"]), r["total"], r["done"], dues.get((r["year"], r["month"]))) for r in rows]


def _task_counts(meeting_ids: list[int], now: dt.datetime) -> dict[int, dict[str, int]]:
    """{meeting id: {total, done, open, overdue}} of the decided tasks (overdue: open past its
    deadline at `now`)."""
    if not meeting_ids:
        return {}
    rows = (
        AnalysisMeeting.objects.filter(meeting_id__in=meeting_ids)
        .values("meeting_id")
        .annotate(
            total=Count("meeting__tasks"),
            done=Count("meeting__tasks", filter=Q(meeting__tasks__status="done")),
            overdue=Count(
                "meeting__tasks", filter=Q(meeting__tasks__status="open", meeting__tasks__due_at__lt=now)
            ),
        )
        .order_by()
    )
    return {
        r["meeting_id"]: {
            "total": r["total"],
            "done": r["done"],
            "open": r["total"] - r["done"],
            "overdue": r["overdue"],
        }
        for r in rows
    }


def meeting_tasks(row: AnalysisMeeting, now: dt.datetime) -> list[dict[str, Any]]:
    """The decided tasks of a 处置分析会, each with its standing at `now` (已完成 / 办理中 / 已超期)."""
    out = []
    for t in row.meeting.tasks.select_related("owner_unit").order_by("due_at", "id"):
        if t.status == "done":
            standing = "逾期完成" if t.done_at and t.done_at > t.due_at else "已完成"
        else:
            standing = "已超期" if now > t.due_at else "办理中"
        out.append({"task": t, "standing": standing, "overdue": t.status != "done" and now > t.due_at})
    return out


def analysis_filters(qs: Any, params: Any) -> Any:
    """Filters of the 研判 list: unit, status, a text search on the title and findings."""
    unit = str(params.get("unit") or "").strip()
    if unit.isdigit():
        qs = qs.filter(unit_id=int(unit))
    status = str(params.get("status") or "").strip()
    if status:
        qs = qs.filter(status=status)
    q = str(params.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(findings__icontains=q))
    return qs
