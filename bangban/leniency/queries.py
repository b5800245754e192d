"""Reads of the leniency registers: the catalogue in force, an enterprise's record before a case
date, decisions for a user's lists, and the monthly figures per unit. Lists are scoped by `access`;
nothing here reads the clock."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from bangban.core.errors import ValidationFailed
from bangban.org.models import Unit

from . import access
from .models import CatalogueItem, Decision, Discretion, Outcome, Review
from .rules import History, history_since

# --- the catalogue ----------------------------------------------------------------------------------


def current_items() -> QuerySet[CatalogueItem]:
    return CatalogueItem.objects.filter(is_current=True).select_related("unit").order_by("field", "code")


def catalogue(params: dict[str, Any]) -> QuerySet[CatalogueItem]:
    """The current items filtered by 领域 (`field`), 裁量 (`discretion`), unit and text (`q`)."""
    qs = current_items()
    field = str(params.get("field") or "").strip()
    if field:
        qs = qs.filter(field=field)
    discretion = str(params.get("discretion") or "").strip()
    if discretion:
        if discretion not in Discretion.values:
            raise ValidationFailed("裁量类型无效", code="invalid_discretion", details={"field": "discretion"})
        qs = qs.filter(discretion=discretion)
    unit = str(params.get("unit") or "").strip()
    if unit.isdigit():
        qs = qs.filter(unit_id=int(unit))
    q = str(params.get("q") or "").strip()[:50]
    if q:
        qs = qs.filter(Q(code__contains=q) | Q(behaviour__contains=q) | Q(conditions__contains=q))
    return qs


def fields_in_use() -> list[str]:
    return list(
        CatalogueItem.objects.filter(is_current=True)
        .values_list("field", flat=True)
        .distinct()
        .order_by("field")
    )


def citable_item(item_id: Any) -> CatalogueItem:
    """A current catalogue item a new decision may cite."""
    try:
        pk = int(str(item_id).strip())
    except (TypeError, ValueError) as exc:
        raise ValidationFailed("请选择清单事项", code="item_required", details={"field": "item"}) from exc
    found = current_items().filter(pk=pk).first()
    if found is None:
        raise ValidationFailed(
            "所选事项不在现行免罚轻罚清单中", code="item_not_found", details={"field": "item"}
        )
    return found


# --- an enterprise's record -------------------------------------------------------------------------


def history(enterprise_id: int, case_date: dt.date) -> History:
    """The enterprise's confirmed violations in the two years before `case_date`: decisions of this
    register for earlier cases (any outcome — 不予处罚 still confirms a violation), except those 司法局
    corrected (the review found the decision wrong)."""
    since = history_since(case_date)
    numbers = tuple(
        Decision.objects.filter(enterprise_id=enterprise_id, case_date__gte=since, case_date__lt=case_date)
        .exclude(status=Review.CORRECTED)
        .order_by("-case_date", "-pk")
        .values_list("number", flat=True)
    )
    return History(since=since, count=len(numbers), numbers=numbers)


# --- decisions --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthSpan:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> MonthSpan | None:
        """ "2026-11" → MonthSpan(2026, 11); anything else → None."""
        try:
            year, month = (int(p) for p in (text or "").strip().split("-")[:2])
        except ValueError:
            return None
        if not (2000 <= year <= 2100 and 1 <= month <= 12):
            return None
        return cls(year, month)

    @classmethod
    def of(cls, day: dt.date) -> MonthSpan:
        return cls(day.year, day.month)

    @property
    def code(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月"

    def previous(self) -> MonthSpan:
        return MonthSpan(self.year - 1, 12) if self.month == 1 else MonthSpan(self.year, self.month - 1)

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        tz = timezone.get_current_timezone()
        start = dt.datetime(self.year, self.month, 1, tzinfo=tz)
        nxt = (self.year + 1, 1) if self.month == 12 else (self.year, self.month + 1)
        return start, dt.datetime(nxt[0], nxt[1], 1, tzinfo=tz)


def month_param(params: dict[str, Any]) -> MonthSpan | None:
    text = str(params.get("month") or "").strip()
    if not text:
        return None
    month = MonthSpan.parse(text)
    if month is None:
        raise ValidationFailed(
            "月份格式不正确，应为 2026-11", code="invalid_month", details={"field": "month"}
        )
    return month


def decision_list(user: Any, params: dict[str, Any]) -> QuerySet[Decision]:
    qs = access.visible_decisions(user).select_related("enterprise", "item", "unit", "decided_by")
    month = month_param(params)
    if month is not None:
        start, end = month.bounds()
        qs = qs.filter(decided_at__gte=start, decided_at__lt=end)
    outcome = str(params.get("outcome") or "").strip()
    if outcome:
        if outcome not in Outcome.values:
            raise ValidationFailed("决定类型无效", code="invalid_outcome", details={"field": "outcome"})
        qs = qs.filter(outcome=outcome)
    status = str(params.get("status") or "").strip()
    if status:
        if status not in Review.values:
            raise ValidationFailed("审查状态无效", code="invalid_status", details={"field": "status"})
        qs = qs.filter(status=status)
    if str(params.get("deviated") or "") == "1":
        qs = qs.filter(deviated=True)
    unit = str(params.get("unit") or "").strip()
    if unit.isdigit():
        qs = qs.filter(unit_id=int(unit))
    q = str(params.get("q") or "").strip()[:50]
    if q:
        qs = qs.filter(
            Q(number__contains=q) | Q(enterprise__name__contains=q) | Q(item__behaviour__contains=q)
        )
    return qs.order_by("-decided_at", "-pk")


# --- monthly figures per unit -----------------------------------------------------------------------


@dataclass(frozen=True)
class UnitFigures:
    unit: Unit
    decisions: int
    no_penalty: int
    reduced: int
    lighter: int
    penalty: int
    deviations: int
    corrected: int


FIGURE_FIELDS = ("decisions", "no_penalty", "reduced", "lighter", "penalty", "deviations", "corrected")


def unit_figures(user: Any, month: MonthSpan) -> list[UnitFigures]:
    """Per unit that decided a case in `month` (within the user's scope): decisions, each outcome,
    decisions that deviate from the proposal, and decisions 司法局 corrected."""
    start, end = month.bounds()
    rows = (
        access.visible_decisions(user)
        .filter(decided_at__gte=start, decided_at__lt=end)
        .values("unit_id")
        .annotate(
            decisions=Count("pk"),
            no_penalty=Count("pk", filter=Q(outcome=Outcome.NO_PENALTY)),
            reduced=Count("pk", filter=Q(outcome=Outcome.REDUCED)),
            lighter=Count("pk", filter=Q(outcome=Outcome.LIGHTER)),
            penalty=Count("pk", filter=Q(outcome=Outcome.PENALTY)),
            deviations=Count("pk", filter=Q(deviated=True)),
            corrected=Count("pk", filter=Q(status=Review.CORRECTED)),
        )
    )
    by_unit = {r["unit_id"]: r for r in rows}
    units = {u.pk: u for u in Unit.objects.filter(pk__in=by_unit)}
    out = [UnitFigures(unit=units[pk], **{f: by_unit[pk][f] for f in FIGURE_FIELDS}) for pk in units]
    return sorted(out, key=lambda f: (-f.decisions, f.unit.name))
