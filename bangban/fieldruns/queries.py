"""Reading 跑现场: the list of runs with its filters and the overdue flag, one run with its
problems and items."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Coalesce

from bangban.core.errors import ValidationFailed

from .access import visible_runs
from .figures import parse_year
from .models import Finding, Item, ItemStatus, Run, RunStatus

FILTERS = ("year", "status", "unit", "q", "overdue")


def run_list(user: Any, params: dict[str, Any], today: dt.date) -> QuerySet[Run]:
    """The runs `user` sees, newest run day first, each with `overdue_items` (items still 整改中
    past their deadline on `today`) and `open_items`."""
    qs = (
        visible_runs(user)
        .select_related("unit", "runner")
        .annotate(
            run_day=Coalesce("done_on", "planned_on"),
            overdue_items=Count("items", filter=Q(items__status=ItemStatus.OPEN, items__deadline__lt=today)),
            open_items=Count("items", filter=~Q(items__status=ItemStatus.VERIFIED)),
        )
    )
    year = str(params.get("year") or "").strip()
    if year:
        qs = qs.filter(run_day__year=parse_year(year, today.year))
    status = str(params.get("status") or "").strip()
    if status:
        if status not in RunStatus.values:
            raise ValidationFailed("状态无效", code="invalid_status", details={"field": "status"})
        qs = qs.filter(status=status)
    unit = str(params.get("unit") or "").strip()
    if unit:
        qs = qs.filter(unit_id=int(unit) if unit.isdigit() and len(unit) < 12 else 0)
    q = str(params.get("q") or "").strip()[:50]
    if q:
        qs = qs.filter(Q(service__icontains=q) | Q(place__icontains=q) | Q(number__icontains=q))
    if str(params.get("overdue") or "") == "1":
        qs = qs.filter(overdue_items__gt=0)
    return qs.order_by("-run_day", "-pk")


def findings_of(run: Run) -> list[Finding]:
    return list(Finding.objects.filter(run=run).select_related("case", "item").order_by("seq"))


def items_of(run: Run) -> list[Item]:
    return list(
        Item.objects.filter(run=run).select_related("owner_unit", "finding", "reported_by", "verified_by")
        .order_by("finding__seq")
    )  # fmt: skip


def units_of(user: Any) -> list[tuple[int, str]]:
    """The units of the runs `user` sees (the list's unit filter)."""
    return list(visible_runs(user).order_by("unit__name").values_list("unit_id", "unit__name").distinct())
