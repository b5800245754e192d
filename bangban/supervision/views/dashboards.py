"""Dashboards, the case drill-down and the monthly analysis meeting pack."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from bangban.core.errors import NotFound
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import paginate
from bangban.core.replica import replica_reads
from bangban.core.xlsx import xlsx_response
from bangban.org.models import Region

from .. import access, dashboard, meeting
from ._common import _cases_xlsx, _last_month, docx_response, page


@page
@require_GET
@replica_reads
def dashboard_page(request: AuthedHttpRequest) -> HttpResponseBase:

    access.require_viewer(request.user)
    region = dashboard.resolve_region(request.user, request.GET.get("region"))
    y, m = dashboard.parse_month(request.GET.get("month"))
    try:
        count = int(request.GET.get("months", 6))
    except ValueError:
        count = 6
    status: dict[str, Any] = {}
    charts = dashboard.build(request.user, region, y, m, count, status)
    export = request.GET.get("export")
    if export:
        chart = next((c for c in charts if c["key"] == export), None)
        if chart is None:
            raise NotFound()
        headers, rows = dashboard.chart_table(chart)
        return xlsx_response(f"{chart['title']}.xlsx", headers, rows, "数据")
    path = access.region_path(request.user)
    regions = Region.objects.filter(level__in=["city", "county", "zone"]).order_by("path")
    if path is not None:
        regions = regions.filter(path__startswith=path)
    return render(
        request,
        "supervision/dashboard.html",
        {
            "charts": charts,
            "region": region,
            "regions": regions,
            "month": f"{y}-{m:02d}",
            "months": count,
            "cases_url": reverse("supervision:cases"),
            "build": status,
            "can_refresh": access.can_manage(request.user),
            "status_url": f"{reverse('supervision:dashboard_status')}?month={y}-{m:02d}&months={count}",
        },
    )


@page
@require_POST
def dashboard_refresh(request: AuthedHttpRequest) -> HttpResponseBase:
    """营商办's 「立即刷新」: rebuild the shown months that still change, in the background."""
    access.require_manager(request.user)
    y, m = dashboard.parse_month(request.GET.get("month"))
    try:
        count = max(1, min(24, int(request.GET.get("months", 6))))
    except ValueError:
        count = 6
    queued = dashboard.request_builds(dashboard.months_ending(y, m, count), force=True)
    if queued:
        messages.info(request, f"已开始重新汇总 {len(queued)} 个月的数据，完成后页面自动刷新")
    else:
        messages.info(request, "所选月份的数据已定稿或正在汇总，无需刷新")
    region = request.GET.get("region")
    query = f"?month={y}-{m:02d}&months={count}" + (
        f"&region={region}" if region and region.isdigit() else ""
    )
    return redirect(reverse("supervision:dashboard") + query)


@page
@require_GET
@replica_reads
def dashboard_status(request: AuthedHttpRequest) -> HttpResponseBase:
    """The progress indicator of the dashboard (polled by htmx): while summaries are being built
    it answers the indicator again; once they exist it tells the page to reload."""
    access.require_viewer(request.user)
    y, m = dashboard.parse_month(request.GET.get("month"))
    try:
        count = int(request.GET.get("months", 6))
    except ValueError:
        count = 6
    if not 1 <= count <= 24:
        raise NotFound()
    status = dashboard.build_status(dashboard.months_ending(y, m, count))
    if not status["pending"]:
        response = HttpResponse('<div data-testid="dashboard-ready">数据已就绪，正在刷新…</div>')
        response["HX-Refresh"] = "true"
        return response
    return render(
        request,
        "supervision/_dashboard_progress.html",
        {"build": status, "status_url": request.get_full_path()},
    )


@page
@require_GET
@replica_reads
def cases(request: AuthedHttpRequest) -> HttpResponseBase:
    access.require_viewer(request.user)
    region = dashboard.resolve_region(request.user, request.GET.get("region"))
    qs = access.openable_cases(request.user, dashboard.case_filter(request.GET, region))
    if request.GET.get("export") == "xlsx":
        return _cases_xlsx("诉求明细.xlsx", qs)
    result = paginate(request, qs)
    return render(
        request,
        "supervision/cases.html",
        {
            "title": f"诉求明细（{region.name if region else ''}）",
            "page": result.page,
            "qs": result.querystring_without_page,
            "rows": result.items,
            "back": reverse("supervision:dashboard"),
        },
    )


@page
@require_GET
@replica_reads
def meeting_pack(request: AuthedHttpRequest) -> HttpResponseBase:
    access.require_viewer(request.user)
    y, m = dashboard.parse_month(request.GET.get("month"), _last_month())
    pack = meeting.build_pack(request.user, y, m)
    fmt = request.GET.get("export")
    if fmt == "xlsx":
        return meeting.pack_xlsx(pack)
    if fmt == "docx":
        return docx_response(f"{y}年{m}月处置分析会材料.docx", meeting.pack_docx(pack))
    return render(request, "supervision/meeting.html", {"pack": pack, "month": f"{y}-{m:02d}"})
