"""`/outreach/projects`, `/procedures`, `/problems`: investment projects, their procedures and progress, and the problems raised on them (R1)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Schema, Status

from bangban.core.answers import answers
from bangban.core.errors import NotFound
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import Page, PageQuery, page_body

from .. import projects, queries
from ..access import access_problem, access_project
from ..models import InvestmentProject, ProblemCoordination, ProjectProblem, ProjectProcedure
from ._common import ERRORS, LIST_ERRORS, _at, router
from .schemas import CoordinationOut, ProblemOut, ProcedureOut, ProjectOut


def procedure_out(p: ProjectProcedure) -> dict[str, Any]:
    return {
        "id": p.pk,
        "name": p.name,
        "mode": p.mode,
        "mode_label": p.get_mode_display(),
        "status": p.status,
        "status_label": p.get_status_display(),
        "handling_unit": p.handling_unit.name if p.handling_unit else "",
        "due_date": p.due_date.isoformat() if p.due_date else None,
        "done_at": _at(p.done_at),
        "inform_reason": p.inform_reason,
        "inform_solution": p.inform_solution,
        "steps": [
            {"note": s.note, "status": s.status_after, "by": s.by.display_name, "at": _at(s.at)}
            for s in p.steps.all()
        ],
        "version": p.version,
    }


def project_out(p: InvestmentProject, *, detail: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": p.pk,
        "name": p.name,
        "enterprise_id": p.enterprise_id,
        "enterprise_name": p.enterprise.name if p.enterprise else "",
        "investor": p.investor,
        "region_code": p.region.code,
        "region_name": p.region.name,
        "amount": str(p.amount),
        "stage": p.stage,
        "stage_label": p.get_stage_display(),
        "chief_officer_id": p.chief_officer_id,
        "chief_officer_name": p.chief_officer.display_name,
        "lead_unit": p.lead_unit.name if p.lead_unit else "",
        "is_active": p.is_active,
        "version": p.version,
    }
    if detail:
        data["description"] = p.description
        data["procedures"] = [
            procedure_out(x)
            for x in p.procedures.select_related("handling_unit").prefetch_related("steps__by")
        ]
    return data


class ProjectQuery(PageQuery):
    q: str | None = Field(None, description="项目名称、企业或投资方包含的文字")
    region: str | None = Field(None, description="区划代码（含下级）")
    stage: str | None = Field(None, description="阶段：negotiating/signed/approving/constructing/producing")
    officer: str | None = Field(None, description="首席服务员的用户ID")
    mine: str | None = Field(None, description="1：只看本人担任首席服务员的项目")


class ProjectIn(Schema):
    name: str = Field(description="项目名称")
    enterprise_id: int | None = Field(None, description="项目企业ID（企业库中已有时）")
    investor: str = Field("", description="投资方（无企业ID时必填）")
    region: str = Field(description="项目所在区划代码，须在调用者管辖范围内")
    amount: Decimal = Field(description="投资额（万元），大于0")
    stage: str = Field("signed", description="项目阶段")
    chief_officer_id: int = Field(description="首席服务员的用户ID（须具有“首席服务员”角色）")
    description: str = Field("", description="项目概况")


class ProjectPatch(Schema):
    version: int = Field(description="读取时的版本号；他人已修改时返回 409 conflict")
    name: str | None = Field(None, description="项目名称")
    investor: str | None = Field(None, description="投资方")
    amount: Decimal | None = Field(None, description="投资额（万元）")
    stage: str | None = Field(None, description="项目阶段")
    chief_officer_id: int | None = Field(None, description="更换首席服务员")
    description: str | None = Field(None, description="项目概况")
    is_active: bool | None = Field(None, description="false：不再服务")


@router.get("/projects", response=answers(Page[ProjectOut], LIST_ERRORS), summary="招商项目列表")
def list_projects(request: HttpRequest, query: Query[ProjectQuery]) -> Any:
    params = query.dict(exclude={"page", "size"}, exclude_none=True)
    return page_body(queries.projects(request.user, params).strict(), query, out=project_out)


@router.get("/projects/{project_id}", response=answers(ProjectOut), summary="招商项目详情（含办理事项）")
def get_project(request: HttpRequest, project_id: int) -> Any:
    return project_out(access_project(request.user, project_id), detail=True)


@router.post("/projects", response=answers({201: ProjectOut}, ERRORS), summary="登记招商项目")
def create_project(request: AuthedHttpRequest, payload: ProjectIn) -> Any:
    data = payload.dict()
    data["amount"] = str(data["amount"])
    project = projects.do_create_project(acting_user=request.user, data=data)
    return Status(201, project_out(access_project(request.user, project.pk), detail=True))


@router.patch(
    "/projects/{project_id}",
    response=answers(ProjectOut, ERRORS),
    summary="修改招商项目（阶段、首席服务员等）",
)
def update_project(request: AuthedHttpRequest, project_id: int, payload: ProjectPatch) -> Any:
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    if "amount" in changes and changes["amount"] is not None:
        changes["amount"] = str(changes["amount"])
    projects.do_update_project(
        acting_user=request.user, project_id=project_id, version=version, changes=changes
    )
    return project_out(access_project(request.user, project_id), detail=True)


class ProcedureIn(Schema):
    name: str = Field(description="办理事项")
    mode: str = Field(description="proxy 全程代办 / inform 告知")
    handling_unit_id: int | None = Field(None, description="办理单位ID")
    due_date: dt.date | None = Field(None, description="计划办结日期（全程代办）")
    inform_reason: str = Field("", description="不能代办的原因（告知时必填）")
    inform_solution: str = Field(
        "", description="解决办法（告知时必填；缺少时返回 400 inform_solution_required）"
    )


@router.post(
    "/projects/{project_id}/procedures",
    response=answers({201: ProcedureOut}, ERRORS),
    summary="登记办理事项（全程代办或告知）",
)
def add_procedure(request: AuthedHttpRequest, project_id: int, payload: ProcedureIn) -> Any:
    procedure = projects.do_add_procedure(
        acting_user=request.user, project_id=project_id, data=payload.dict()
    )
    return Status(201, procedure_out(procedure))


class ProgressIn(Schema):
    note: str = Field(description="进展情况")
    status: str = Field(description="办理状态：pending 未开始 / in_progress 办理中 / done 已办结")
    version: int | None = Field(None, description="读取时的版本号（可选）；他人已修改时返回 409 conflict")


@router.post(
    "/procedures/{procedure_id}/progress",
    response=answers({201: ProcedureOut}, ERRORS),
    summary="记录代办进展",
)
def add_progress(request: AuthedHttpRequest, procedure_id: int, payload: ProgressIn) -> Any:
    step = projects.do_record_progress(
        acting_user=request.user,
        procedure_id=procedure_id,
        note=payload.note,
        status=payload.status,
        version=payload.version,
    )
    return Status(201, procedure_out(ProjectProcedure.objects.get(pk=step.procedure_id)))


def problem_out(p: ProjectProblem) -> dict[str, Any]:
    return {
        "id": p.pk,
        "project_id": p.project_id,
        "project_name": p.project.name,
        "round_id": p.round_id,
        "year": p.round.year,
        "month": p.round.month,
        "title": p.title,
        "content": p.content,
        "cannot_do": p.cannot_do,
        "delays_project": p.delays_project,
        "outcome": p.outcome,
        "outcome_label": p.get_outcome_display(),
        "solution": p.solution,
        "ticket_id": p.ticket_id,
        "ticket_number": p.ticket.number if p.ticket else "",
        "raised_at": _at(p.raised_at),
        "handled_at": _at(p.handled_at),
        "coordination": coordination_out(c) if (c := _coordination(p)) else None,
    }


def _coordination(p: ProjectProblem) -> ProblemCoordination | None:
    try:
        return p.coordination
    except ProblemCoordination.DoesNotExist:
        return None


def coordination_out(c: ProblemCoordination) -> dict[str, Any]:
    return {
        "id": c.pk,
        "problem_id": c.problem_id,
        "problem_title": c.problem.title,
        "project_id": c.problem.project_id,
        "project_name": c.problem.project.name,
        "units": [{"id": u.pk, "name": u.name} for u in c.units.all()],
        "held_on": c.held_on.isoformat(),
        "outcome": c.outcome,
        "follow_ups": list(c.follow_ups or []),
        "recorded_by": c.recorded_by.display_name,
        "recorded_at": _at(c.recorded_at),
    }


class ProblemIn(Schema):
    title: str = Field(description="问题")
    content: str = Field(description="问题描述")
    cannot_do: bool = Field(False, description="项目方反映“办不成事”")
    delays_project: bool = Field(False, description="影响项目进度")


@router.post(
    "/projects/{project_id}/problems",
    response=answers({201: ProblemOut}, ERRORS),
    summary="登记项目问题（纳入本月收集）",
)
def add_problem(request: AuthedHttpRequest, project_id: int, payload: ProblemIn) -> Any:
    problem = projects.do_add_problem(acting_user=request.user, project_id=project_id, data=payload.dict())
    return Status(201, problem_out(access_problem(request.user, problem.pk)))


@router.get("/problems/{problem_id}", response=answers(ProblemOut), summary="项目问题详情")
def get_problem(request: HttpRequest, problem_id: int) -> Any:
    return problem_out(access_problem(request.user, problem_id))


class SolveIn(Schema):
    solution: str = Field(description="本级解决情况")


class TransferIn(Schema):
    note: str = Field("", description="转办说明")


@router.post("/problems/{problem_id}/solve", response=answers(ProblemOut, ERRORS), summary="项目问题本级解决")
def solve_problem(request: AuthedHttpRequest, problem_id: int, payload: SolveIn) -> Any:
    projects.do_solve_problem(acting_user=request.user, problem_id=problem_id, solution=payload.solution)
    return problem_out(access_problem(request.user, problem_id))


@router.post(
    "/problems/{problem_id}/transfer",
    response=answers(ProblemOut, ERRORS),
    summary="项目问题转市商务局",
    description="通过受理生成诉求（市级），并与问题关联。",
)
def transfer_problem(request: AuthedHttpRequest, problem_id: int, payload: TransferIn) -> Any:
    projects.do_transfer_problem(acting_user=request.user, problem_id=problem_id, note=payload.note)
    return problem_out(access_problem(request.user, problem_id))


class CoordinateIn(Schema):
    unit_ids: list[int] = Field(description="参与协调的职能部门ID（至少一个）")
    held_on: dt.date = Field(description="协调日期（不晚于今天）")
    outcome: str = Field(description="协调结果")
    follow_ups: list[str] = Field(default_factory=list, description="后续事项（每条一项）")


@router.post(
    "/problems/{problem_id}/coordinate",
    response=answers({201: ProblemOut}, ERRORS),
    summary="项目问题协调相关职能部门",
    description="首席服务员或牵头招商部门记录与相关职能部门的协调（单位、日期、结果、后续事项）；"
    "问题随之处理完毕（coordinated）。未选单位 400 units_required；日期晚于今天 400 held_on_future；"
    "问题已处理 409 problem_handled。参与协调的单位在“项目协调”中看到该记录。",
)
def coordinate_problem(request: AuthedHttpRequest, problem_id: int, payload: CoordinateIn) -> Any:
    projects.do_coordinate_problem(acting_user=request.user, problem_id=problem_id, **payload.dict())
    return Status(201, problem_out(access_problem(request.user, problem_id)))


class CoordinationQuery(PageQuery):
    q: str | None = Field(None, description="项目名称或问题包含的文字")
    mine: str | None = Field(None, description="1：只看本单位参与的协调")


@router.get(
    "/coordinations",
    response=answers(Page[CoordinationOut], LIST_ERRORS, NotFound),
    summary="项目问题协调记录（本单位视图）",
    description="参与协调的单位看到其参与的协调；能看到项目的人员看到项目的协调；市级人员看到全部。"
    "政府工作人员以外的账号（企业、协会）404 not_found，与页面一致。",
)
def list_coordinations(request: HttpRequest, query: Query[CoordinationQuery]) -> Any:
    params = query.dict(exclude={"page", "size"}, exclude_none=True)
    return page_body(projects.coordinations(request.user, params), query, out=coordination_out)
