"""Dashboard data (scoped): cases by channel, category and region over time, overdue cases and
escalations, unit rankings and the satisfaction trend. Each chart is a dict {key, title, kind,
categories, series, drill} rendered by ECharts on the page, exported as .xlsx by `chart_table`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from bangban.core.errors import NotFound, ValidationFailed
from bangban.org.models import Region, Unit
from bangban.tickets.models import Channel, FollowUp
from bangban.tickets.public import counted_cases

from . import access, sources
from .dashboard_counts import SUMMARY_TTL, UNCATEGORISED, is_settled
from .figures import month_bounds, previous_month
from .models import DashboardCell, DashboardMonth, Ranking
from .tasks import build_dashboard_task

CHART_KEYS = ("channel", "category", "region", "overdue", "ranking", "satisfaction")


def months_ending(year: int, month: int, count: int) -> list[tuple[int, int]]:
    out = [(year, month)]
    while len(out) < count:
        out.append(previous_month(*out[-1]))
    return list(reversed(out))


def resolve_region(user: Any, region_id: Any) -> Any:
    """The region the dashboard is about: the one asked for (within scope, else 404), or the
    user's own scope (the whole city for city-wide users)."""
    if region_id not in (None, ""):
        try:
            region = Region.objects.get(pk=int(region_id))
        except (ValueError, TypeError, Region.DoesNotExist) as exc:
            raise NotFound() from exc
        access.check_region(user, region)
        return region
    path = access.region_path(user)
    if path is None:
        return Region.objects.filter(parent__isnull=True).order_by("path").first()
    return Region.objects.filter(path=path).first()


def scoped_cases(region: Any) -> QuerySet[Any]:
    qs = counted_cases()
    if region is None or region.parent_id is None:
        return qs
    return qs.filter(
        Q(region__path__startswith=region.path) | Q(lead_unit__region__path__startswith=region.path)
    )


def _label(year: int, month: int) -> str:
    return f"{year}-{month:02d}"


# A build claimed this long ago and still not finished is taken to be lost (worker restarted)
# and may be claimed again.
BUILD_TIMEOUT = dt.timedelta(minutes=15)


def _is_stale(summary: DashboardMonth, now: dt.datetime, ttl: dt.timedelta = SUMMARY_TTL) -> bool:
    if summary.computed_at is None:
        return True
    return not is_settled(summary) and now - summary.computed_at > ttl


def as_of(months: list[tuple[int, int]]) -> dt.datetime | None:
    """「数据截至」 of a dashboard over `months`: the oldest counts among the months that still
    change (the newest of all when every month is settled); None before any count exists."""
    rows = [
        x
        for x in DashboardMonth.objects.filter(Q(*[Q(year=y, month=m) for y, m in months], _connector=Q.OR))
        if x.computed_at is not None
    ]
    if not rows:
        return None
    live = [x.computed_at for x in rows if not is_settled(x) and x.computed_at is not None]
    if live:
        return min(live)
    return max(x.computed_at for x in rows if x.computed_at is not None)


def _enqueue(months: list[tuple[int, int]]) -> None:
    build_dashboard_task.enqueue([list(x) for x in months])


def request_builds(
    months: list[tuple[int, int]], now: dt.datetime | None = None, *, force: bool = False
) -> list[tuple[int, int]]:
    """Claim and enqueue a background build of every month whose summary is missing or stale and
    not already being built; returns the months enqueued. The claim is a conditional update of
    the month's unique `DashboardMonth` row, so of two simultaneous requests only one enqueues.
    `force` (营商办's 「立即刷新」) treats every month that is not settled as stale."""
    now = now or timezone.now()
    ttl = dt.timedelta(0) if force else SUMMARY_TTL
    found = {
        (x.year, x.month): x
        for x in DashboardMonth.objects.filter(Q(*[Q(year=y, month=m) for y, m in months], _connector=Q.OR))
    }
    claimed: list[tuple[int, int]] = []
    for y, m in months:
        summary = found.get((y, m))
        if summary is not None and not _is_stale(summary, now, ttl):
            continue
        if summary is None:
            summary, _ = DashboardMonth.objects.get_or_create(year=y, month=m)
        free = Q(requested_at__isnull=True) | Q(requested_at__lt=now - BUILD_TIMEOUT)
        if summary.computed_at is not None:
            # Stale counts: only claim when nobody rebuilt them meanwhile.
            free &= Q(computed_at=summary.computed_at)
        if DashboardMonth.objects.filter(free, pk=summary.pk).update(requested_at=now):
            claimed.append((y, m))
    if claimed:
        transaction.on_commit(lambda: _enqueue(claimed), robust=True)
    return claimed


def summaries(
    months: list[tuple[int, int]], now: dt.datetime | None = None
) -> tuple[dict[tuple[int, int], int], dict[str, Any]]:
    """({(year, month): summary id} of the months whose counts exist, the build status). Never
    computes in the request: missing or stale months are enqueued (`request_builds`) and the
    status says which are still being prepared."""
    now = now or timezone.now()
    request_builds(months, now)
    rows = list(DashboardMonth.objects.filter(Q(*[Q(year=y, month=m) for y, m in months], _connector=Q.OR)))
    out = {(x.year, x.month): x.pk for x in rows if x.computed_at is not None}
    missing = [(y, m) for y, m in months if (y, m) not in out]
    updating = [
        (x.year, x.month)
        for x in rows
        if x.computed_at is not None and x.requested_at is not None and _is_stale(x, now)
    ]
    fresh = as_of(months)
    status = {
        "pending": bool(missing or updating),
        "missing": [_label(y, m) for y, m in sorted(missing)],
        "updating": [_label(y, m) for y, m in sorted(updating)],
        "as_of": fresh.isoformat() if fresh else None,
        "as_of_label": timezone.localtime(fresh).strftime("%Y-%m-%d %H:%M") if fresh else "",
    }
    return out, status


def build_status(months: list[tuple[int, int]], now: dt.datetime | None = None) -> dict[str, Any]:
    """The build status only (for the polling of the page's progress indicator)."""
    return summaries(months, now)[1]


def _cells(region: Any, summary_ids: list[int]) -> Any:
    qs = DashboardCell.objects.filter(summary_id__in=summary_ids)
    if region is not None and region.parent_id is not None:
        qs = qs.filter(Q(region_path__startswith=region.path) | Q(unit_region_path__startswith=region.path))
    return qs


def build(
    user: Any, region: Any, year: int, month: int, count: int = 6, status: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """The charts from the summaries that exist now; `status` (if given) receives the build
    status of the months still being prepared in the background."""
    if not 1 <= count <= 24:
        raise ValidationFailed("月份数应在 1–24 之间", code="months_invalid")
    months = months_ending(year, month, count)
    labels = [_label(y, m) for y, m in months]
    ids, build = summaries(months)
    if status is not None:
        status.update(build)
    label_of = {pk: _label(*ym) for ym, pk in ids.items()}
    cells = _cells(region, list(ids.values()))
    region_q = f"&region={region.pk}" if region is not None else ""

    by_month_channel: dict[tuple[str, str], int] = {}
    overdue: dict[str, int] = {}
    sat: dict[str, list[int]] = {}
    for r in (
        cells.values("summary_id", "channel")
        .annotate(n=Sum("received"), od=Sum("overdue"), fu=Sum("follow_ups"), ok=Sum("satisfied"))
        .order_by()
    ):
        lab = label_of[r["summary_id"]]
        by_month_channel[(lab, r["channel"])] = int(r["n"] or 0)
        overdue[lab] = overdue.get(lab, 0) + int(r["od"] or 0)
        acc = sat.setdefault(lab, [0, 0])
        acc[0] += int(r["ok"] or 0)
        acc[1] += int(r["fu"] or 0)
    used_channels = [c for c in Channel if any(k[1] == c.value and v for k, v in by_month_channel.items())]
    channel_chart = {
        "key": "channel",
        "title": "各渠道诉求量（按月）",
        "kind": "bar",
        "stack": True,
        "categories": labels,
        "series": [
            {
                "name": c.label,
                "code": c.value,
                "data": [by_month_channel.get((lab, c.value), 0) for lab in labels],
            }
            for c in used_channels
        ],
        "drill": f"?month={{category}}&channel={{code}}{region_q}",
    }

    category_counts: dict[str, int] = {}
    for r in cells.values("category_root").annotate(n=Sum("received")).order_by():
        if r["n"]:
            category_counts[r["category_root"]] = int(r["n"])
    top = sorted(category_counts.items(), key=lambda kv: -kv[1])[:12]
    category_chart = {
        "key": "category",
        "title": "诉求分类分布（一级分类）",
        "kind": "bar",
        "categories": [k for k, _ in top],
        "series": [{"name": "诉求数", "data": [v for _, v in top]}],
        "drill": f"?from={labels[0]}&to={labels[-1]}&category={{category}}{region_q}",
    }

    children = list(Region.objects.filter(parent=region).order_by("path")) if region is not None else []
    region_counts = {c.pk: 0 for c in children}
    for r in cells.values("region_path").annotate(n=Sum("received")).order_by():
        for c in children:
            if (r["region_path"] or "").startswith(c.path):
                region_counts[c.pk] += int(r["n"] or 0)
                break
    region_chart = {
        "key": "region",
        "title": f"{region.name if region else ''}各地区诉求量",
        "kind": "bar",
        "categories": [c.name for c in children],
        "codes": [c.pk for c in children],
        "series": [{"name": "诉求数", "data": [region_counts[c.pk] for c in children]}],
        "drill": f"?from={labels[0]}&to={labels[-1]}&region={{code}}",
    }

    unit_ids = _scoped_unit_ids(region)
    escalations = []
    escalation_available = True
    for y, m in months:
        result = sources.escalation_counts(y, m)
        escalation_available = escalation_available and result.available
        escalations.append(
            sum(int(n or 0) for k, n in result.data.items() if unit_ids is None or int(k) in unit_ids)
        )
    overdue_chart = {
        "key": "overdue",
        "title": "超期诉求与提级会办（按月）",
        "kind": "bar",
        "categories": labels,
        "series": [
            {"name": "新增超期", "data": [overdue.get(lab, 0) for lab in labels]},
            {"name": "提级会办", "data": escalations},
        ],
        "note": "" if escalation_available else f"提级会办：{sources.NO_SOURCE}",
        "drill": f"?overdue_month={{category}}{region_q}",
    }

    satisfaction_chart = {
        "key": "satisfaction",
        "title": "满意率趋势（回访，%）",
        "kind": "line",
        "categories": labels,
        "series": [
            {
                "name": "满意率",
                "data": [
                    round(100.0 * sat[lab][0] / sat[lab][1], 1) if lab in sat and sat[lab][1] else None
                    for lab in labels
                ],
            }
        ],
        "drill": f"?month={{category}}&dissatisfied=1{region_q}",
    }
    ranking_chart = _ranking_chart(user, region, year, month)
    return [channel_chart, category_chart, region_chart, overdue_chart, ranking_chart, satisfaction_chart]


def _scoped_unit_ids(region: Any) -> set[int] | None:
    if region is None or region.parent_id is None:
        return None
    return set(Unit.objects.filter(region__path__startswith=region.path).values_list("pk", flat=True))


def _ranking_chart(user: Any, region: Any, year: int, month: int) -> dict[str, Any]:
    ranking = (
        Ranking.objects.filter(Q(year__lt=year) | Q(year=year, month__lte=month))
        .order_by("-year", "-month")
        .first()
    )
    rows: list[Any] = []
    title = "单位综合得分排名"
    if ranking is not None:
        title = f"单位综合得分排名（{ranking.year}年{ranking.month}月，{ranking.get_status_display()}）"
        qs = ranking.rows.filter(rank__isnull=False)
        if region is not None and region.parent_id is not None:
            qs = qs.filter(region_path__startswith=region.path)
        rows = list(qs.order_by("rank")[:20])
    return {
        "key": "ranking",
        "title": title,
        "kind": "hbar",
        "categories": [r.unit_name for r in rows],
        "codes": [r.unit_id for r in rows],
        "series": [{"name": "综合得分", "data": [r.score for r in rows]}],
        "drill": (
            f"/supervision/rankings/{ranking.year}/{ranking.month}/units/{{code}}/total/" if ranking else ""
        ),
    }


def chart_table(chart: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    headers = ["项目", *[s["name"] for s in chart["series"]]]
    rows = []
    for index, category in enumerate(chart["categories"]):
        rows.append(
            [category, *[s["data"][index] if index < len(s["data"]) else None for s in chart["series"]]]
        )
    return headers, rows


def today_month(now: dt.datetime | None = None) -> tuple[int, int]:
    today = timezone.localdate(now or timezone.now())
    return today.year, today.month


def parse_month(text: str | None, default: tuple[int, int] | None = None) -> tuple[int, int]:
    if not text:
        return default or today_month()
    try:
        y, m = (int(x) for x in str(text).split("-", 1))
        month_bounds(y, m)
    except (ValueError, TypeError) as exc:
        raise ValidationFailed("月份格式应为 YYYY-MM", code="month_invalid") from exc
    return y, m


def case_filter(params: Any, region: Any) -> QuerySet[Any]:
    """The cases behind a chart point: ?month, ?from/?to, ?channel, ?category (first level name),
    ?overdue_month, ?dissatisfied=1, ?unit; always within `region`."""
    qs = scoped_cases(region)
    if params.get("month"):
        start, end = month_bounds(*parse_month(params.get("month")))
        qs = qs.filter(received_at__gte=start, received_at__lt=end)
    if params.get("from"):
        start, _ = month_bounds(*parse_month(params.get("from")))
        qs = qs.filter(received_at__gte=start)
    if params.get("to"):
        _, end = month_bounds(*parse_month(params.get("to")))
        qs = qs.filter(received_at__lt=end)
    if params.get("channel"):
        qs = qs.filter(channel=params.get("channel"))
    if params.get("category"):
        name = params.get("category")
        qs = (
            qs.filter(category__isnull=True)
            if name == UNCATEGORISED
            else qs.filter(category__path__startswith=name)
        )
    if params.get("overdue_month"):
        start, end = month_bounds(*parse_month(params.get("overdue_month")))
        qs = qs.filter(overdue_at__gte=start, overdue_at__lt=end)
    if params.get("dissatisfied") == "1":
        qs = qs.filter(pk__in=FollowUp.objects.filter(satisfaction__in=[4, 5]).values("ticket_id"))
    if params.get("unit"):
        try:
            qs = qs.filter(lead_unit_id=int(params.get("unit")))
        except ValueError as exc:
            raise ValidationFailed("单位无效", code="unit_invalid") from exc
    return qs.select_related("lead_unit").order_by("-received_at", "-id")
