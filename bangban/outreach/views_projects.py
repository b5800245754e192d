"""Pages of investment projects (R1): list and export, registration, the project page with its
procedures and problems, the monthly collection rounds and 市商务局's monthly overview."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bangban.accounts.models import User
from bangban.accounts.roles import Role
from bangban.core.errors import REFUSALS, ApplicationError, Conflict, NotFound, ValidationFailed
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import paginate
from bangban.core.views import page_errors
from bangban.core.xlsx import xlsx_response
from bangban.enterprises.access import scope_regions, visible_enterprises
from bangban.org.models import RegionLevel

from . import figures, projects, queries
from .access import (
    access_problem,
    access_project,
    access_round,
    can_manage_projects,
    can_see_overview,
    may_serve_project,
)
from .models import ProblemOutcome, ProcedureMode, ProcedureStatus, ProjectStage
from .pages import Cell, Field, ListPage, bind, form_data, form_page, get_filters, list_page


def _regions(user: Any) -> list[tuple[str, str]]:
    return [
        (r.code, ("　" if r.depth > 2 else "") + r.name)
        for r in scope_regions(user).exclude(level=RegionLevel.VILLAGE).only("code", "name", "path")
    ]


def _officers() -> list[tuple[int, str]]:
    qs = (
        User.objects.filter(is_active=True, roles__code=Role.CHIEF_SERVICE_OFFICER)
        .select_related("unit")
        .order_by("unit__name", "full_name")
        .distinct()
    )
    return [
        (u.pk, f"{u.display_name}（{u.unit.short_name or u.unit.name if u.unit else '无单位'}）") for u in qs
    ]


def _project_filters(user: Any) -> list[Field]:
    return [
        Field("q", "项目、企业或投资方"),
        Field("region", "区划", "select", options=_regions(user)),
        Field("stage", "阶段", "select", options=list(ProjectStage.choices)),
        Field("officer", "首席服务员", "select", options=_officers()),
    ]


@login_required
@require_GET
def project_list(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    filtered = queries.projects(user, request.GET)
    result = paginate(request, filtered.qs)
    for message in filtered.errors:
        messages.warning(request, f"{message}（该条件已忽略）")
    rows = [
        [
            Cell(p.name, link=reverse("outreach:project_detail", args=[p.pk])),
            Cell(p.enterprise.name if p.enterprise else p.investor),
            Cell(p.region.name),
            Cell(f"{p.amount:,}"),
            Cell(p.get_stage_display()),
            Cell(p.chief_officer.display_name),
        ]
        for p in result.page.object_list
    ]
    can_create = can_manage_projects(user)
    return list_page(
        request,
        ListPage(
            title="招商项目",
            headers=["项目", "企业/投资方", "区划", "投资额（万元）", "阶段", "首席服务员"],
            rows=rows,
            page=result.page,
            qs=result.querystring_without_page,
            filters=get_filters(request, _project_filters(user)),
            create_url=reverse("outreach:project_create") if can_create else "",
            create_label="登记项目",
            export_url=reverse("outreach:project_export"),
            empty="暂无招商项目" + ("，可点击“登记项目”添加" if can_create else ""),
            testid="project-table",
            extra_links=[("月度问题收集", reverse("outreach:round_list"))]
            + ([("月度汇总", reverse("outreach:overview"))] if can_see_overview(user) else []),
        ),
    )


@login_required
@require_GET
@page_errors
def project_export(request: AuthedHttpRequest) -> HttpResponseBase:
    qs = queries.projects(request.user, request.GET).strict()
    rows = (
        [
            p.name,
            p.enterprise.name if p.enterprise else "",
            p.investor,
            p.region.name,
            p.amount,
            p.get_stage_display(),
            p.chief_officer.display_name,
            p.lead_unit.name if p.lead_unit else "",
            timezone.localtime(p.created_at).strftime("%Y-%m-%d"),
        ]
        for p in qs.iterator(chunk_size=500)
    )
    headers = [
        "项目名称",
        "项目企业",
        "投资方",
        "区划",
        "投资额（万元）",
        "阶段",
        "首席服务员",
        "牵头招商部门",
        "登记日期",
    ]
    return xlsx_response("招商项目.xlsx", headers, rows, "招商项目")


def _project_fields(user: Any) -> list[Field]:
    enterprises = visible_enterprises(user).filter(is_active=True).order_by("name").only("id", "name")[:500]
    return [
        Field("name", "项目名称", required=True, maxlength=120),
        Field(
            "enterprise_id",
            "项目企业",
            "select",
            options=[(e.pk, e.name) for e in enterprises],
            help="已在企业库登记的项目企业",
        ),
        Field("investor", "投资方", maxlength=120, help="尚未注册企业时填写投资方"),
        Field("region", "所在区划", "select", options=_regions(user), required=True),
        Field("amount", "投资额（万元）", "number", required=True),
        Field("stage", "项目阶段", "select", options=list(ProjectStage.choices), value=ProjectStage.SIGNED),
        Field("chief_officer_id", "首席服务员", "select", options=_officers(), required=True),
        Field("description", "项目概况", "textarea", maxlength=5000),
    ]


@login_required
@require_http_methods(["GET", "POST"])
@page_errors
def project_create(request: AuthedHttpRequest) -> HttpResponseBase:
    user = request.user
    if not can_manage_projects(user):
        raise NotFound()
    fields = _project_fields(user)
    if request.method == "POST":
        data = form_data(request, fields)
        try:
            project = projects.do_create_project(acting_user=user, data=data)
        except ValidationFailed as exc:
            return form_page(
                request,
                title="登记招商项目",
                fields=bind(fields, data, exc),
                error=exc,
                back=reverse("outreach:project_list"),
            )
        messages.success(request, f"已登记项目“{project.name}”")
        return redirect("outreach:project_detail", project.pk)
    return form_page(request, title="登记招商项目", fields=fields, back=reverse("outreach:project_list"))


@login_required
@require_http_methods(["GET", "POST"])
@page_errors
def project_edit(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    """Edit a project (the fields of `PATCH /projects/{id}`); a stale version is refused with 409."""
    user = request.user
    project = access_project(user, pk, "edit")
    fields = [
        Field("name", "项目名称", required=True, maxlength=120),
        Field("investor", "投资方", maxlength=120, help="尚未注册企业时的投资方"),
        Field("amount", "投资额（万元）", "number", required=True),
        Field("stage", "项目阶段", "select", options=list(ProjectStage.choices), required=True),
        Field("chief_officer_id", "首席服务员", "select", options=_officers(), required=True),
        Field("description", "项目概况", "textarea", maxlength=5000),
        Field("is_active", "在服务（取消勾选表示不再服务该项目）", "checkbox"),
        Field("version", "版本", "hidden"),
    ]
    title = f"修改招商项目：{project.name}"
    back = reverse("outreach:project_detail", args=[project.pk])
    if request.method == "POST":
        data = form_data(request, fields)
        changes = {k: v for k, v in data.items() if k != "version"}
        try:
            projects.do_update_project(
                acting_user=user, project_id=project.pk, version=data.get("version"), changes=changes
            )
        except (ValidationFailed, Conflict) as exc:
            return form_page(
                request, title=title, fields=bind(fields, data, exc), error=exc, back=back, submit="保存"
            )
        messages.success(request, "已保存项目修改")
        return redirect("outreach:project_detail", project.pk)
    values = {
        "name": project.name,
        "investor": project.investor,
        "amount": f"{project.amount:f}",
        "stage": project.stage,
        "chief_officer_id": project.chief_officer_id,
        "description": project.description,
        "is_active": project.is_active,
        "version": project.version,
    }
    return form_page(request, title=title, fields=bind(fields, values), back=back, submit="保存")


def procedure_fields() -> list[Field]:
    return [
        Field("name", "办理事项", required=True, maxlength=120),
        Field("mode", "办理方式", "radio", options=list(ProcedureMode.choices), required=True),
        Field("due_date", "计划办结日期", "date", help="全程代办事项的计划办结日期，逾期未办结计入通报"),
        Field("inform_reason", "不能代办的原因", "textarea", help="选择“告知”时必填", maxlength=2000),
        Field(
            "inform_solution",
            "解决办法",
            "textarea",
            help="选择“告知”时必填：告诉项目方怎样才能办成",
            maxlength=2000,
        ),
    ]


def problem_fields() -> list[Field]:
    return [
        Field("title", "问题", required=True, maxlength=120),
        Field("content", "问题描述", "textarea", required=True, maxlength=5000),
        Field("cannot_do", "项目方反映“办不成事”", "checkbox"),
        Field("delays_project", "影响项目进度", "checkbox"),
    ]


def _detail_context(request: AuthedHttpRequest, project_id: int, **extra: Any) -> dict[str, Any]:
    user = request.user
    project = access_project(user, project_id)
    procedures = list(project.procedures.select_related("handling_unit").prefetch_related("steps__by"))
    problems = list(project.problems.select_related("round", "ticket").order_by("-raised_at"))
    context = {
        "project": project,
        "procedures": procedures,
        "problems": problems,
        "can_serve": may_serve_project(user, project),
        "procedure_fields": procedure_fields(),
        "problem_fields": problem_fields(),
        "step_statuses": [
            (v, label) for v, label in ProcedureStatus.choices if v != ProcedureStatus.INFORMED
        ],
        "stages": ProjectStage.choices,
        "officers": _officers(),
    }
    context.update(extra)
    return context


@login_required
@require_GET
@page_errors
def project_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return render(request, "outreach/project_detail.html", _detail_context(request, pk))


@login_required
@require_POST
@page_errors
def procedure_add(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    fields = procedure_fields()
    data = form_data(request, fields)
    try:
        projects.do_add_procedure(acting_user=request.user, project_id=pk, data=data)
    except ValidationFailed as exc:
        context = _detail_context(request, pk, procedure_fields=bind(fields, data, exc), procedure_error=exc)
        return render(request, "outreach/project_detail.html", context, status=exc.status)
    messages.success(request, "已登记办理事项")
    return redirect("outreach:project_detail", pk)


@login_required
@require_POST
@page_errors
def procedure_progress(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    from .models import ProjectProcedure

    procedure = ProjectProcedure.objects.filter(pk=pk).only("id", "project_id").first()
    if procedure is None:
        raise NotFound()
    access_project(request.user, procedure.project_id)
    try:
        projects.do_record_progress(
            acting_user=request.user,
            procedure_id=pk,
            note=request.POST.get("note", ""),
            status=request.POST.get("status", ""),
            version=request.POST.get("version"),
        )
        messages.success(request, "已记录代办进展")
    except ValidationFailed as exc:
        messages.error(request, exc.message)
    return redirect("outreach:project_detail", procedure.project_id)


@login_required
@require_POST
@page_errors
def project_update(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    changes = {name: request.POST[name] for name in ("stage", "chief_officer_id") if request.POST.get(name)}
    try:
        projects.do_update_project(
            acting_user=request.user, project_id=pk, version=request.POST.get("version"), changes=changes
        )
        messages.success(request, "已更新项目")
    except ValidationFailed as exc:
        messages.error(request, exc.message)
    return redirect("outreach:project_detail", pk)


@login_required
@require_POST
@page_errors
def problem_add(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    fields = problem_fields()
    data = form_data(request, fields)
    try:
        problem = projects.do_add_problem(acting_user=request.user, project_id=pk, data=data)
    except ValidationFailed as exc:
        context = _detail_context(request, pk, problem_fields=bind(fields, data, exc), problem_error=exc)
        return render(request, "outreach/project_detail.html", context, status=exc.status)
    messages.success(request, f"已登记问题，纳入{problem.round.region.name}{problem.round.month}月问题收集")
    return redirect("outreach:problem_detail", problem.pk)


@login_required
@require_GET
@page_errors
def problem_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    problem = access_problem(request.user, pk)
    can_handle = problem.outcome == ProblemOutcome.OPEN and (
        may_serve_project(request.user, problem.project)
        or projects.may_run_round(request.user, problem.round)
    )
    return render(
        request,
        "outreach/problem_detail.html",
        {"problem": problem, "can_handle": can_handle, "commerce": projects.commerce_unit()},
    )


@login_required
@require_POST
@page_errors
def problem_handle(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    user = request.user
    decision = request.POST.get("decision")
    try:
        if decision == "solve":
            projects.do_solve_problem(
                acting_user=user, problem_id=pk, solution=request.POST.get("solution", "")
            )
            messages.success(request, "已记录本级解决情况")
        elif decision == "transfer":
            problem = projects.do_transfer_problem(
                acting_user=user, problem_id=pk, note=request.POST.get("note", "")
            )
            messages.success(
                request, f"已转市商务局，诉求编号 {problem.ticket.number if problem.ticket else ''}"
            )
        else:
            messages.error(request, "请选择本级解决或转市商务局")
    except ValidationFailed as exc:
        messages.error(request, exc.message)
    return redirect("outreach:problem_detail", pk)


# --- rounds and overview ---------------------------------------------------------------------------


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
