"""The volunteer supervisors' reports and 营商办's handling of them (R5)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from bangban.core.errors import REFUSALS, ApplicationError, NotFound
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import paginate
from bangban.core.views import page_errors
from bangban.core.xlsx import xlsx_response
from bangban.org.models import Region, RegionLevel

from .. import forums, queries
from ..access import access_report, can_report_as_supervisor, can_run_forums
from ..models import ReportStatus
from ..pages import Cell, Field, ListPage, get_filters, list_page
from ._common import _create


@login_required
@require_GET
def report_list(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    filtered = queries.reports(user, request.GET)
    result = paginate(request, filtered.qs)
    colours = {
        ReportStatus.SUBMITTED: "warning",
        ReportStatus.FORWARDED: "success",
        ReportStatus.DECLINED: "secondary",
    }
    rows = [
        [
            Cell(r.title, link=reverse("outreach:report_detail", args=[r.pk])),
            Cell(r.reporter.display_name),
            Cell(r.region.name if r.region else "—"),
            Cell(timezone.localtime(r.submitted_at).strftime("%Y-%m-%d %H:%M")),
            Cell(r.get_status_display(), badge=colours.get(r.status, "secondary")),
            Cell(f"{r.ticket.number}（{r.ticket.get_status_display()}）" if r.ticket else "—"),
        ]
        for r in result.page.object_list
    ]
    supervisor = can_report_as_supervisor(user)
    return list_page(
        request,
        ListPage(
            title="营商环境监督员反映的问题" if can_run_forums(user) else "我反映的问题",
            headers=["问题", "监督员", "发生地", "反映时间", "状态", "诉求"],
            rows=rows,
            page=result.page,
            qs=result.querystring_without_page,
            filters=get_filters(
                request,
                [
                    Field("q", "问题或企业"),
                    Field("status", "状态", "select", options=list(ReportStatus.choices)),
                ],
            ),
            create_url=reverse("outreach:report_create") if supervisor else "",
            create_label="反映问题",
            export_url=reverse("outreach:report_export") if can_run_forums(user) else "",
            empty="暂无反映的问题",
            testid="report-table",
        ),
    )


@login_required
@require_GET
@page_errors
def report_export(request: AuthedHttpRequest) -> HttpResponseBase:
    if not can_run_forums(request.user):
        raise NotFound()
    qs = queries.reports(request.user, request.GET).strict()
    rows = (
        [
            r.title,
            r.reporter.display_name,
            r.enterprise_name,
            r.region.name if r.region else "",
            timezone.localtime(r.submitted_at).strftime("%Y-%m-%d %H:%M"),
            r.get_status_display(),
            r.ticket.number if r.ticket else "",
            r.ticket.get_status_display() if r.ticket else "",
        ]
        for r in qs
    )
    headers = ["问题", "监督员", "涉及企业", "发生地", "反映时间", "状态", "诉求编号", "诉求状态"]
    return xlsx_response("监督员反映问题.xlsx", headers, rows, "监督员")


@login_required
@require_http_methods(["GET", "POST"])
@page_errors
def report_create(request: AuthedHttpRequest) -> HttpResponseBase:
    regions = Region.objects.filter(is_active=True).exclude(level=RegionLevel.VILLAGE).order_by("path")
    fields = [
        Field("title", "问题", required=True, maxlength=120),
        Field(
            "content",
            "问题描述",
            "textarea",
            required=True,
            maxlength=5000,
            help="时间、地点、经过，越具体越好",
        ),
        Field("enterprise_name", "涉及企业", maxlength=120),
        Field("region", "发生地", "select", options=[(r.code, r.name) for r in regions]),
    ]

    def done(report: Any) -> HttpResponseBase:
        messages.success(request, "已提交，营商办将及时转办并跟踪")
        return redirect("outreach:report_detail", report.pk)

    return _create(
        request,
        allowed=can_report_as_supervisor(request.user),
        title="反映营商环境问题",
        fields=fields,
        action=forums.do_submit_report,
        done=done,
        back=reverse("outreach:report_list"),
        narrow=True,
        intro="营商环境监督员随时反映发现的问题，营商办转交责任单位办理并跟踪问效。",
    )


@login_required
@require_http_methods(["GET", "POST"])
@page_errors
def report_detail(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    user = request.user
    report = access_report(user, pk)
    if request.method == "POST":
        action = request.POST.get("do")
        try:
            if action == "forward":
                report = forums.do_forward_report(
                    acting_user=user,
                    report_id=pk,
                    note=request.POST.get("note", ""),
                    version=request.POST.get("version"),
                )
                messages.success(request, f"已转办，诉求编号 {report.ticket.number if report.ticket else ''}")
            elif action == "decline":
                forums.do_decline_report(
                    acting_user=user,
                    report_id=pk,
                    reason=request.POST.get("reason", ""),
                    version=request.POST.get("version"),
                )
                messages.success(request, "已记录不予转办")
            elif action == "follow":
                forums.do_follow_up(acting_user=user, report_id=pk, note=request.POST.get("note", ""))
                messages.success(request, "已记录跟踪情况")
        except REFUSALS:
            raise
        except ApplicationError as exc:
            if isinstance(exc, NotFound):
                raise
            messages.error(request, exc.message)
        return redirect("outreach:report_detail", pk)
    return render(
        request,
        "outreach/report_detail.html",
        {
            "report": report,
            "follow_ups": list(report.follow_ups.select_related("by")),
            "can_handle": can_run_forums(user),
        },
    )
