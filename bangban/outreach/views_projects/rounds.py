"""Pages of the monthly collection rounds and 市商务局's monthly overview."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from bangban.core.errors import REFUSALS, ApplicationError, NotFound
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import paginate
from bangban.core.views import page_errors
from bangban.core.xlsx import xlsx_response

from .. import figures, projects, queries
from ..access import access_round, can_see_overview
from ..models import ProblemOutcome
from ..pages import Cell, Field, ListPage, get_filters, list_page


@login_required
@require_GET
def round_list(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    filtered = queries.rounds(user, request.GET)
    for message in filtered.errors:
        messages.warning(request, f"{message}（该条件已忽略）")
    result = paginate(request, filtered.qs)
    today = timezone.localdate()
    rows = []
    for rnd in result.page.object_list:
        late = projects.round_is_late(rnd, today)
        state = "已报送" if rnd.submitted_at else "收集中"
        rows.append(
            [
                Cell(f"{rnd.year}年{rnd.month}月", link=reverse("outreach:round_detail", args=[rnd.pk])),
                Cell(rnd.region.name),
                Cell(rnd.lead_unit.name if rnd.lead_unit else "—"),
                Cell(f"{rnd.due_date:%Y-%m-%d}"),
                Cell(rnd.n_problems),
                Cell(
                    state + ("（逾期）" if late else ""),
                    badge="danger" if late else ("success" if rnd.submitted_at else "secondary"),
                ),
            ]
        )
    return list_page(
        request,
        ListPage(
            title="月度项目问题收集",
            headers=["月份", "县区/功能区", "牵头招商部门", "报送截止", "问题数", "状态"],
            rows=rows,
            page=result.page,
            qs=result.querystring_without_page,
            filters=get_filters(
                request,
                [
                    Field("month", "月份", "month"),
                    Field(
                        "state",
                        "状态",
                        "select",
                        options=[("open", "收集中"), ("submitted", "已报送"), ("late", "逾期（迟报或未报）")],
                    ),
                ],
            ),
            export_url=reverse("outreach:round_export"),
            empty="暂无问题收集：登记项目问题后自动开启当月收集",
            testid="round-table",
            extra_links=[("招商项目", reverse("outreach:project_list"))],
        ),
    )


@login_required
@require_GET
@page_errors
def round_export(request: AuthedHttpRequest) -> HttpResponseBase:
    qs = queries.rounds(request.user, request.GET).strict()
    today = timezone.localdate()
    rows = (
        [
            f"{r.year}-{r.month:02d}",
            r.region.name,
            r.lead_unit.name if r.lead_unit else "",
            r.due_date,
            timezone.localtime(r.submitted_at).strftime("%Y-%m-%d %H:%M") if r.submitted_at else "",
            r.n_problems,
            "是" if projects.round_is_late(r, today) else "否",
        ]
        for r in qs
    )
    headers = ["月份", "县区/功能区", "牵头招商部门", "报送截止", "报送时间", "问题数", "逾期"]
    return xlsx_response("月度项目问题收集.xlsx", headers, rows, "问题收集")


@login_required
@require_GET
@page_errors
def round_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    rnd = access_round(user, pk)
    problems = list(
        rnd.problems.filter(project__in=queries.visible_projects(user))
        .select_related("project", "ticket", "raised_by")
        .order_by("outcome", "-raised_at")
    )
    return render(
        request,
        "outreach/round_detail.html",
        {
            "round": rnd,
            "problems": problems,
            "late": projects.round_is_late(rnd, timezone.localdate()),
            "can_submit": projects.may_submit(user, rnd),
            "open_count": sum(1 for p in problems if p.outcome == ProblemOutcome.OPEN),
        },
    )


@login_required
@require_POST
@page_errors
def round_submit(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    try:
        projects.do_submit_round(acting_user=request.user, round_id=pk)
        messages.success(request, "已报送本月项目问题")
    except REFUSALS:
        raise
    except ApplicationError as exc:
        if isinstance(exc, NotFound):
            raise
        messages.error(request, exc.message)
    return redirect("outreach:round_detail", pk)


def _month_param(request: AuthedHttpRequest) -> tuple[int, int]:
    today = timezone.localdate()
    raw = request.GET.get("month", "")
    try:
        year, month = (int(x) for x in raw.split("-"))
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return year, month
    except ValueError:
        pass
    return today.year, today.month


@login_required
@require_GET
@page_errors
def overview(request: AuthedHttpRequest) -> HttpResponse:
    if not can_see_overview(request.user):
        raise NotFound()
    year, month = _month_param(request)
    data = figures.monthly_overview(year, month)
    records = figures.criticism_records(year, month)
    prev = dt.date(year, month, 1) - dt.timedelta(days=1)
    nxt = dt.date(year, month, 28) + dt.timedelta(days=7)
    return render(
        request,
        "outreach/overview.html",
        {
            **data,
            "year": year,
            "month": month,
            "month_value": f"{year}-{month:02d}",
            "prev": f"{prev.year}-{prev.month:02d}",
            "next": f"{nxt.year}-{nxt.month:02d}",
            "records": records,
            "commerce": projects.commerce_unit(),
        },
    )


@login_required
@require_GET
@page_errors
def overview_export(request: AuthedHttpRequest) -> HttpResponseBase:
    if not can_see_overview(request.user):
        raise NotFound()
    year, month = _month_param(request)
    data = figures.monthly_overview(year, month)
    records = figures.criticism_records(year, month)
    rows = [
        [
            r.round.region.name,
            r.round.lead_unit.name if r.round.lead_unit else "",
            r.round.due_date,
            timezone.localtime(r.round.submitted_at).strftime("%Y-%m-%d")
            if r.round.submitted_at
            else "未报送",
            "是" if r.late else "否",
            r.total,
            r.solved,
            r.transferred,
            r.open,
        ]
        for r in data["rows"]
    ]
    transferred = [
        [
            p.round.region.name,
            p.project.name,
            p.title,
            p.ticket.number if p.ticket else "",
            p.ticket.get_status_display() if p.ticket else "",
        ]
        for p in data["transferred"]
    ]
    criticism = [
        [
            c.kind_label,
            c.subject_name,
            c.region_name,
            c.cannot_do,
            c.delays,
            "是" if c.late_report else "",
            c.summary,
        ]
        for c in records
    ]
    return xlsx_response(
        f"招商项目问题月度汇总{year}年{month}月.xlsx",
        [
            "县区/功能区",
            "牵头招商部门",
            "报送截止",
            "报送",
            "逾期",
            "问题数",
            "本级解决",
            "转市商务局",
            "未处理",
        ],
        rows,
        "各县区报送",
        extra_sheets=[
            ("转办问题", ["县区/功能区", "项目", "问题", "诉求编号", "诉求状态"], transferred),
            (
                "通报批评候选",
                ["类别", "对象", "县区/功能区", "办不成事", "延误", "逾期报送", "情况"],
                criticism,
            ),
        ],
    )
