"""The project page with its procedures and problems, and the forms that change them."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from bangban.core.errors import NotFound, ValidationFailed
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import paginate
from bangban.core.views import page_errors

from .. import projects
from ..access import access_problem, access_project, may_run_round, may_serve_project
from ..models import (
    ProblemCoordination,
    ProblemOutcome,
    ProcedureMode,
    ProcedureStatus,
    ProjectProcedure,
    ProjectStage,
)
from ..pages import Field, bind, form_data
from ._common import _officers


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
    problems = list(
        project.problems.select_related("round", "ticket", "coordination")
        .prefetch_related("coordination__units")
        .order_by("-raised_at")
    )
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
        may_serve_project(request.user, problem.project) or may_run_round(request.user, problem.round)
    )
    return render(
        request,
        "outreach/problem_detail.html",
        {
            "problem": problem,
            "can_handle": can_handle,
            "commerce": projects.commerce_unit(),
            "coordination": ProblemCoordination.objects.filter(problem=problem)
            .prefetch_related("units")
            .select_related("recorded_by")
            .first(),
            "today": timezone.localdate(),
        },
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
        elif decision == "coordinate":
            projects.do_coordinate_problem(
                acting_user=user,
                problem_id=pk,
                unit_ids=request.POST.getlist("units"),
                held_on=request.POST.get("held_on", ""),
                outcome=request.POST.get("outcome", ""),
                follow_ups=request.POST.get("follow_ups", ""),
            )
            messages.success(request, "已记录与相关职能部门的协调")
        else:
            messages.error(request, "请选择本级解决、协调相关职能部门或转市商务局")
    except ValidationFailed as exc:
        messages.error(request, exc.message)
    return redirect("outreach:problem_detail", pk)


@login_required
@require_GET
@page_errors
def coordination_list(request: AuthedHttpRequest) -> HttpResponse:
    """The units' view of the coordinations of project problems (R1.3): those their unit took part
    in (and, for those who see projects, the projects' coordinations)."""
    user = request.user
    params = {"q": request.GET.get("q", ""), "mine": request.GET.get("mine", "")}
    result = paginate(request, projects.coordinations(user, params))
    return render(
        request,
        "outreach/coordinations.html",
        {
            "page": result.page,
            "qs": result.querystring_without_page,
            "params": params,
            "has_unit": bool(user.unit_id),
        },
    )
