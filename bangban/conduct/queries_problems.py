"""Reads of the 直通车企业 register and the 问题清单 (R7.1): lists with filters for the pages, the API
and the .xlsx exports, an item's progress read from its case, and 作风办's monthly list per region
and unit. Scoped by `access`; the clock is always passed in."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from bangban.core.errors import ValidationFailed
from bangban.org.models import Region, Unit
from bangban.tickets.workflow import SET_ASIDE_STATUSES, Status

from . import access
from .models import Designation, DesignationKind, ProblemItem, ProblemSource, ProblemState
from .queries import month_param
from .rules import Month

# A transferred item is closed once its case is answered (已答复待回访) or closed (已办结).
CASE_DONE = sorted({Status.REPLIED, Status.CLOSED})
CASE_SET_ASIDE = sorted(SET_ASIDE_STATUSES)

PROGRESS = {
    "pending": "待转办",
    "in_progress": "办理中",
    "closed": "已办结",
    "resolved": "直接办结",
    "set_aside": "诉求已合并或撤回",
}
PROGRESS_FILTERS = {**PROGRESS, "open": "未办结", "overdue": "已超期"}


def _done() -> Q:
    return Q(state=ProblemState.TRANSFERRED, case__status__in=CASE_DONE)


def _set_aside() -> Q:
    return Q(state=ProblemState.TRANSFERRED, case__status__in=CASE_SET_ASIDE)


def _in_progress() -> Q:
    return Q(state=ProblemState.TRANSFERRED) & ~Q(case__status__in=CASE_DONE + CASE_SET_ASIDE)


def _overdue(now: dt.datetime) -> Q:
    return _in_progress() & Q(case__due_at__lt=now)


def progress_q(progress: str, now: dt.datetime) -> Q:
    return {
        "pending": lambda: Q(state=ProblemState.PENDING),
        "resolved": lambda: Q(state=ProblemState.RESOLVED),
        "closed": _done,
        "set_aside": _set_aside,
        "in_progress": _in_progress,
        "open": lambda: Q(state=ProblemState.PENDING) | _in_progress(),
        "overdue": lambda: _overdue(now),
    }[progress]()


def problem_progress(item: ProblemItem) -> str:
    """The item's progress: its own state until 转办, then its case's."""
    if item.state != ProblemState.TRANSFERRED:
        return "pending" if item.state == ProblemState.PENDING else "resolved"
    status = item.case.status if item.case_id and item.case else ""
    if status in CASE_DONE:
        return "closed"
    return "set_aside" if status in CASE_SET_ASIDE else "in_progress"


def is_overdue(item: ProblemItem, now: dt.datetime) -> bool:
    case = item.case if item.case_id else None
    return (
        problem_progress(item) == "in_progress"
        and case is not None
        and case.due_at is not None
        and case.due_at < now
    )


def _choice(params: dict[str, Any], name: str, values: Any, message: str) -> str:
    value = str(params.get(name) or "").strip()
    if value and value not in values:
        raise ValidationFailed(message, code=f"invalid_{name}", details={"field": name})
    return value


def _region_q(params: dict[str, Any], prefix: str = "") -> Q | None:
    code = str(params.get("region") or "").strip()[:20]
    if not code:
        return None
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise ValidationFailed("地区不存在", code="invalid_region", details={"field": "region"})
    return Q(**{f"{prefix}region__path__startswith": region.path})


# --- 直通车企业与观察点 ------------------------------------------------------------------------------


def designation_list(user: Any, params: dict[str, Any], today: dt.date) -> QuerySet[Designation]:
    """`status`: active (in force `today`, the default), upcoming, ended or all."""
    qs = access.visible_designations(user).select_related("enterprise", "enterprise__region", "designated_by")
    kind = _choice(params, "kind", DesignationKind.values, "类型无效")
    if kind:
        qs = qs.filter(kind=kind)
    status = _choice(params, "status", {"active", "upcoming", "ended", "all"}, "状态无效") or "active"
    if status == "active":
        qs = qs.filter(starts_on__lte=today).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    elif status == "upcoming":
        qs = qs.filter(starts_on__gt=today)
    elif status == "ended":
        qs = qs.filter(ends_on__lt=today)
    region = _region_q(params, "enterprise__")
    if region is not None:
        qs = qs.filter(region)
    q = str(params.get("q") or "").strip()[:50]
    if q:
        qs = qs.filter(Q(enterprise__name__contains=q) | Q(enterprise__uscc__contains=q))
    return qs.order_by("-starts_on", "-pk")


def designations_of(enterprise_id: int, today: dt.date) -> list[Designation]:
    """The designations of one enterprise in force `today` (what its users are shown)."""
    return list(
        Designation.objects.filter(enterprise_id=enterprise_id, starts_on__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .order_by("kind")
    )


# --- 问题清单 ------------------------------------------------------------------------------------


def problem_list(user: Any, params: dict[str, Any], now: dt.datetime) -> QuerySet[ProblemItem]:
    qs = access.visible_problems(user).select_related(
        "enterprise", "region", "unit", "case", "found_by", "cited_item"
    )
    source = _choice(params, "source", ProblemSource.values, "问题来源无效")
    if source:
        qs = qs.filter(source=source)
    progress = _choice(params, "progress", PROGRESS_FILTERS, "办理进度无效")
    if progress:
        qs = qs.filter(progress_q(progress, now))
    region = _region_q(params)
    if region is not None:
        qs = qs.filter(region)
    unit = str(params.get("unit") or "").strip()
    if unit.isdigit():
        qs = qs.filter(unit_id=int(unit))
    month = month_param(params)
    if month is not None:
        qs = qs.filter(found_on__gte=month.first_day, found_on__lt=month.next().first_day)
    enterprise = str(params.get("enterprise") or "").strip()
    if enterprise.isdigit():
        qs = qs.filter(enterprise_id=int(enterprise))
    q = str(params.get("q") or "").strip()[:50]
    if q:
        qs = qs.filter(Q(text__contains=q) | Q(enterprise__name__contains=q) | Q(case__number=q))
    return qs.order_by("-found_on", "-pk")


@dataclass(frozen=True)
class MonthlyRow:
    region: Region
    unit: Unit | None
    found: int
    transferred: int
    closed: int
    open: int
    overdue: int


def monthly_rows(user: Any, month: Month, now: dt.datetime) -> list[MonthlyRow]:
    """Per region and unit, the items found in `month`: how many were found, transferred (转办),
    closed (the case answered or closed, or 直接办结), still open, and open past the case's
    deadline at `now`."""
    rows = (
        access.visible_problems(user)
        .filter(found_on__gte=month.first_day, found_on__lt=month.next().first_day)
        .values("region_id", "unit_id")
        .annotate(
            found=Count("pk"),
            transferred=Count("pk", filter=Q(state=ProblemState.TRANSFERRED)),
            closed=Count("pk", filter=_done() | Q(state=ProblemState.RESOLVED)),
            open=Count("pk", filter=Q(state=ProblemState.PENDING) | _in_progress()),
            overdue=Count("pk", filter=_overdue(now)),
        )
    )
    data = list(rows)
    regions = Region.objects.in_bulk({r["region_id"] for r in data})
    units = Unit.objects.in_bulk({r["unit_id"] for r in data if r["unit_id"]})
    out = [
        MonthlyRow(
            region=regions[r["region_id"]],
            unit=units.get(r["unit_id"]) if r["unit_id"] else None,
            found=r["found"],
            transferred=r["transferred"],
            closed=r["closed"],
            open=r["open"],
            overdue=r["overdue"],
        )
        for r in data
    ]
    return sorted(out, key=lambda r: (r.region.path, r.unit.name if r.unit else ""))
