"""The dashboard's monthly counts (`DashboardMonth`, `DashboardCell`): computing a month, and which
months still change. The body of the background builds (`tasks.build_dashboard_task`, queued by
`dashboard.request_builds`) and of the scheduled refresh (`tasks.refresh_dashboard_task`); it queues
nothing itself."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from bangban.core.satisfaction import SATISFIED_LEVELS
from bangban.org.models import Region, Unit
from bangban.tickets.models import Category, FollowUp
from bangban.tickets.public import counted_cases

from . import definitions, sources
from .actions import compute_rows, current_settings
from .figures import month_bounds, previous_month
from .models import DashboardCell, DashboardMonth

# The category chart's label of a case without a category.
UNCATEGORISED = "未分类"


def category_root(path: str | None) -> str:
    """The first-level category of a category path (`root/child/...`)."""
    return (path or UNCATEGORISED).split("/")[0]


# Counts computed longer ago than this are stale: a page that shows them queues a rebuild (until the
# month is settled, see `SETTLE_AFTER`).
SUMMARY_TTL = dt.timedelta(minutes=10)


def refresh_month(year: int, month: int, now: dt.datetime | None = None) -> DashboardMonth:
    """Recompute one month's dashboard counts: three grouped queries (cases received, cases that
    went overdue, follow-ups made in the month), stored as `DashboardCell` rows."""
    start, end = month_bounds(year, month)
    now = now or timezone.now()
    keys = ("region", "lead_unit", "channel", "category")
    cells: dict[tuple[Any, ...], dict[str, int]] = {}

    def cell(key: tuple[Any, ...]) -> dict[str, int]:
        return cells.setdefault(key, {"received": 0, "overdue": 0, "follow_ups": 0, "satisfied": 0})

    live = counted_cases()
    for r in (
        live.filter(received_at__gte=start, received_at__lt=end)
        .values(*keys)
        .annotate(n=Count("id"))
        .order_by()
    ):
        cell(tuple(r[k] for k in keys))["received"] = r["n"]
    for r in (
        live.filter(overdue_at__gte=start, overdue_at__lt=end)
        .values(*keys)
        .annotate(n=Count("id"))
        .order_by()
    ):
        cell(tuple(r[k] for k in keys))["overdue"] = r["n"]
    ok_levels = [int(x) for x in SATISFIED_LEVELS]
    follow_keys = tuple(f"ticket__{k}" for k in keys)
    for r in (
        FollowUp.objects.filter(at__gte=start, at__lt=end)
        .values(*follow_keys)
        .annotate(n=Count("id"), ok=Count("id", filter=Q(satisfaction__in=ok_levels)))
        .order_by()
    ):
        c = cell(tuple(r[k] for k in follow_keys))
        c["follow_ups"], c["satisfied"] = r["n"], r["ok"]
    # Folded into the dashboard's keys: the case's region path, the lead unit's region path, the
    # channel and the first-level category (the name the category chart and its drill-down use).
    region_paths = dict(Region.objects.values_list("pk", "path"))
    unit_paths = dict(Unit.objects.values_list("pk", "region__path"))
    roots = {pk: category_root(path) for pk, path in Category.objects.values_list("pk", "path")}
    folded: dict[tuple[str, str, str, str], dict[str, int]] = {}
    for (region_id, unit_id, channel, category_id), counts in cells.items():
        key = (
            region_paths.get(region_id) or "",
            unit_paths.get(unit_id) or "",
            channel,
            roots.get(category_id, UNCATEGORISED),
        )
        into = folded.setdefault(key, {"received": 0, "overdue": 0, "follow_ups": 0, "satisfied": 0})
        for name, value in counts.items():
            into[name] += value
    preview = preview_figures(year, month)
    with transaction.atomic():
        summary, _ = DashboardMonth.objects.get_or_create(year=year, month=month)
        summary = DashboardMonth.objects.select_for_update().get(pk=summary.pk)
        summary.cells.all().delete()
        DashboardCell.objects.bulk_create(
            [
                DashboardCell(
                    summary=summary,
                    region_path=region_path,
                    unit_region_path=unit_region_path,
                    channel=channel,
                    category_root=root,
                    **counts,
                )
                for (region_path, unit_region_path, channel, root), counts in folded.items()
            ],
            batch_size=1000,
        )
        summary.computed_at = now
        summary.requested_at = None
        summary.figures = preview
        summary.save(update_fields=["computed_at", "requested_at", "figures"])
    return summary


def preview_figures(year: int, month: int) -> dict[str, Any]:
    """Every scope's per-unit rows of the month under the current settings, as JSON: what the
    ranking page and API show for a month that has no stored ranking yet."""
    cfg = current_settings()
    weights = (cfg.weight_response, cfg.weight_resolution, cfg.weight_satisfaction)
    rules = {"weights": list(weights), "min_cases": cfg.min_cases, "response_hours": cfg.response_hours,
             "bottom_places": cfg.bottom_places}  # fmt: skip
    scopes: dict[str, Any] = {}
    available: dict[str, bool] = {}
    for key in definitions.SCOPES:
        rows, found = compute_rows(
            year, month, weights, cfg.min_cases, cfg.response_hours, cfg.bottom_places, key
        )
        scopes[key] = rows
        available = available or found
    office = sources.dispatch_figures(year, month).data
    return {"rules": rules, "scopes": scopes, "sources": available, "office": office}


# A month's counts are settled (never rebuilt again) once they were computed this long after the
# month ended: late follow-ups and overdue marks of its last day have arrived by then.
SETTLE_AFTER = dt.timedelta(days=1)


def is_settled(summary: DashboardMonth) -> bool:
    """Past months stay frozen: counts computed a day after the month's end are final."""
    if summary.computed_at is None:
        return False
    _, end = month_bounds(summary.year, summary.month)
    return summary.computed_at >= end + SETTLE_AFTER


def live_months(now: dt.datetime) -> list[tuple[int, int]]:
    """The months whose counts still change at `now`: the current one, and the previous one until
    its counts are settled (`SETTLE_AFTER`)."""
    today = timezone.localdate(now)
    months = [(today.year, today.month)]
    prev = previous_month(today.year, today.month)
    _, prev_end = month_bounds(*prev)
    if now < prev_end + SETTLE_AFTER + SUMMARY_TTL:
        months.append(prev)
    return months


def build_months(months: list[tuple[int, int]], now: dt.datetime | None = None) -> int:
    """The background task's work: compute each month's summary."""
    for y, m in months:
        refresh_month(y, m, now)
    return len(months)


def refresh_live(now: dt.datetime | None = None) -> list[tuple[int, int]]:
    """The scheduled refresh (every 10 minutes): the months that still change."""
    now = now or timezone.now()
    months = live_months(now)
    build_months(months, now)
    return months
