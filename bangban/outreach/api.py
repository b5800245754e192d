"""`/api/v1/outreach`: investment projects and chief service officers (R1), policies pushed
(R4.1, R13.1), associations, supervisors and talks (R5), entrepreneurs' symposia (R13).

Same actions, scope and rules as the pages: a record outside the caller's scope is `not_found`
(404); a visible record the caller may not change is `permission_denied` (403); bad input is 400
with a stable code (e.g. `inform_solution_required` for a 告知 procedure without a solution);
a state that does not allow the operation is 409 (`round_has_open_problems`, `problem_handled` …);
a stale `version` is `conflict` (409). Lists are paged (`page`, `size`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, File, Query, Schema, Status, UploadedFile

from bangban.accounts.access import has_any_role
from bangban.accounts.roles import STAFF_ROLES
from bangban.core.answers import Router, answers
from bangban.core.errors import Conflict, FileRejected, InvalidTransition, NotFound
from bangban.core.pagination import Page, PageQuery, page_body
from bangban.core.schemas import MonthField, MonthText, YearField
from bangban.core.xlsx import UPLOAD_REFUSALS

from . import figures, forums, policies, policy_import, projects, pushes, queries, symposia
from .access import (
    access_opinion,
    access_policy,
    access_problem,
    access_project,
    access_push,
    access_report,
    access_round,
    access_symposium,
    can_see_overview,
    is_association_user,
    own_associations,
    visible_projects,
)
from .models import (
    Association,
    AssociationOpinion,
    CollectionRound,
    InvestmentProject,
    Policy,
    PolicyDelivery,
    PolicyPush,
    ProjectProblem,
    ProjectProcedure,
    SupervisorReport,
    Symposium,
)

router = Router(tags=["项目服务与政企互动"])

# The codes the outreach actions answer: bad input (400, with each field's message in `details`),
# a stale `version` and a state that does not allow the operation (409).
# Each field checked by `checks.py` answers `<field>_required`, `<field>_too_long` or
# `invalid_<field>`.
CHECKED_FIELDS = (
    "amount", "answer", "association_id", "body", "chief_officer_id", "contact_name", "contact_phone",
    "content", "description", "doc_number", "due_date", "enterprise_id", "enterprise_name", "half",
    "handling_unit_id", "held_on", "inform_reason", "inform_solution", "investor", "issuer_id", "kind",
    "lead_unit_id", "level", "location", "mode", "month", "name", "note", "outcomes", "participants",
    "planned_on", "published_on", "reason", "region", "region_codes", "solution", "stage", "status",
    "summary", "theme", "themes", "title", "url", "valid_until", "year",
)  # fmt: skip
ERRORS = [
    *(f"{field}_required" for field in CHECKED_FIELDS),
    *(f"{field}_too_long" for field in CHECKED_FIELDS),
    *(f"invalid_{field}" for field in CHECKED_FIELDS),
    *("association_exists", "association_not_own", "enterprise_out_of_scope", "held_in_future",
      "not_a_participant", "not_an_association_account", "planned_outside_half", "policy_exists",
      "region_out_of_scope", "selection_required", "unknown_enterprise", "unknown_nomination",
      "unknown_region", "unknown_unit", "validation_error"),
    Conflict,
    InvalidTransition,
    *((409, c) for c in ("already_nominated", "already_rated", "already_selected", "no_matching_enterprise",
                         "no_participants", "nomination_closed", "not_selected", "opinion_answered",
                         "opinion_not_answered", "policy_expired", "policy_inactive", "problem_handled",
                         "procedure_done", "procedure_not_proxy", "report_handled", "round_has_open_problems",
                         "round_submitted")),
]  # fmt: skip
IMPORT_ERRORS = [
    FileRejected, *UPLOAD_REFUSALS, "empty_file", "duplicate_row", (409, "import_closed"), (409, "nothing_to_import")
]  # fmt: skip
# A list whose filter value is not one the list knows.
LIST_ERRORS = ["invalid_filter"]
Records = Page[dict[str, Any]]


class OutreachStepOut(Schema):
    note: str = Field(description="进展情况")
    status: str = Field(description="记录后的办理状态")
    by: str = Field(description="记录人")
    at: str | None = Field(description="记录时间")


class ProcedureOut(Schema):
    id: int = Field(description="办理事项ID")
    name: str = Field(description="办理事项")
    mode: str = Field(description="proxy 全程代办 / inform 告知")
    mode_label: str = Field(description="办理方式名称")
    status: str = Field(description="pending/in_progress/done/informed")
    status_label: str = Field(description="办理状态名称")
    handling_unit: str = Field(description="办理单位")
    due_date: str | None = Field(description="计划办结日期")
    done_at: str | None = Field(description="办结时间")
    inform_reason: str = Field(description="不能代办的原因（告知）")
    inform_solution: str = Field(description="解决办法（告知）")
    steps: list[OutreachStepOut] = Field(description="代办进展")
    version: int = Field(description="版本号")


class ProjectOut(Schema):
    id: int = Field(description="项目ID")
    name: str = Field(description="项目名称")
    enterprise_id: int | None = Field(description="项目企业ID")
    enterprise_name: str = Field(description="项目企业")
    investor: str = Field(description="投资方")
    region_code: str = Field(description="所在区划代码")
    region_name: str = Field(description="所在区划")
    amount: str = Field(description="投资额（万元）")
    stage: str = Field(description="项目阶段")
    stage_label: str = Field(description="项目阶段名称")
    chief_officer_id: int = Field(description="首席服务员用户ID")
    chief_officer_name: str = Field(description="首席服务员")
    lead_unit: str = Field(description="牵头招商部门")
    is_active: bool = Field(description="在服务")
    version: int = Field(description="版本号；修改时原样提交")
    description: str | None = Field(None, description="项目概况（详情）")
    procedures: list[ProcedureOut] | None = Field(None, description="办理事项（详情）")


class ProblemOut(Schema):
    id: int = Field(description="问题ID")
    project_id: int = Field(description="项目ID")
    project_name: str = Field(description="项目名称")
    round_id: int = Field(description="收集轮次ID")
    year: int = Field(description="收集年")
    month: int = Field(description="收集月")
    title: str = Field(description="问题")
    content: str = Field(description="问题描述")
    cannot_do: bool = Field(description="“办不成事”")
    delays_project: bool = Field(description="影响项目进度")
    outcome: str = Field(description="open 待处理 / solved 本级解决 / transferred 转市商务局")
    outcome_label: str = Field(description="处理结果名称")
    solution: str = Field(description="解决情况或转办说明")
    ticket_id: int | None = Field(description="转办诉求ID")
    ticket_number: str = Field(description="转办诉求编号")
    raised_at: str | None = Field(description="登记时间")
    handled_at: str | None = Field(description="处理时间")


class RoundOut(Schema):
    id: int = Field(description="收集轮次ID")
    region_code: str = Field(description="县区/功能区代码")
    region_name: str = Field(description="县区/功能区")
    year: int = Field(description="年")
    month: int = Field(description="月")
    lead_unit: str = Field(description="牵头招商部门")
    due_date: str = Field(description="报送截止日（工作日）")
    submitted_at: str | None = Field(description="报送时间")
    late: bool = Field(description="逾期（迟报或到期未报）")
    problems: int | None = Field(None, description="问题数（列表中）")


class PolicyOut(Schema):
    id: int = Field(description="政策ID")
    title: str = Field(description="政策名称")
    doc_number: str = Field(description="文号")
    issuer: str = Field(description="发布单位")
    summary: str = Field(description="政策要点")
    body: str = Field(description="政策正文")
    url: str = Field(description="原文链接")
    published_on: str | None = Field(description="发布日期")
    valid_until: str | None = Field(description="有效期至")
    industries: list[str] = Field(description="适用行业（空为不限）")
    region_codes: list[str] = Field(description="适用区划（空为全市）")
    scales: list[str] = Field(description="适用规模（空为不限）")
    tiers: list[str] = Field(description="适用层级（空为不限）")
    is_active: bool = Field(description="有效")
    version: int = Field(description="版本号")


class PushOut(Schema):
    id: int = Field(description="推送ID")
    policy_id: int = Field(description="政策ID")
    status: str = Field(description="queued 排队中 / running 推送中 / done 已完成 / failed 失败")
    status_label: str = Field(description="状态名称")
    total: int = Field(description="匹配的企业数")
    processed: int = Field(description="已处理")
    delivered: int = Field(description="新送达")
    percent: int = Field(description="进度百分比")
    send_sms: bool = Field(description="同时发短信")
    error: str = Field(description="失败原因")
    created_at: str | None = Field(description="推送时间")
    finished_at: str | None = Field(description="完成时间")


class DeliveryOut(Schema):
    id: int = Field(description="送达ID")
    policy_id: int = Field(description="政策ID")
    policy_title: str = Field(description="政策名称")
    enterprise_id: int = Field(description="企业ID")
    enterprise_name: str = Field(description="企业")
    delivered_at: str | None = Field(description="送达时间")
    read_at: str | None = Field(description="阅读时间（回执）；未读为空")


def _at(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


# --- projects -----------------------------------------------------------------------------------


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
def create_project(request: HttpRequest, payload: ProjectIn) -> Any:
    data = payload.dict()
    data["amount"] = str(data["amount"])
    project = projects.do_create_project(acting_user=request.user, data=data)
    return Status(201, project_out(access_project(request.user, project.pk), detail=True))


@router.patch(
    "/projects/{project_id}",
    response=answers(ProjectOut, ERRORS),
    summary="修改招商项目（阶段、首席服务员等）",
)
def update_project(request: HttpRequest, project_id: int, payload: ProjectPatch) -> Any:
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
def add_procedure(request: HttpRequest, project_id: int, payload: ProcedureIn) -> Any:
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
def add_progress(request: HttpRequest, procedure_id: int, payload: ProgressIn) -> Any:
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
def add_problem(request: HttpRequest, project_id: int, payload: ProblemIn) -> Any:
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
def solve_problem(request: HttpRequest, problem_id: int, payload: SolveIn) -> Any:
    projects.do_solve_problem(acting_user=request.user, problem_id=problem_id, solution=payload.solution)
    return problem_out(access_problem(request.user, problem_id))


@router.post(
    "/problems/{problem_id}/transfer",
    response=answers(ProblemOut, ERRORS),
    summary="项目问题转市商务局",
    description="通过受理生成诉求（市级），并与问题关联。",
)
def transfer_problem(request: HttpRequest, problem_id: int, payload: TransferIn) -> Any:
    projects.do_transfer_problem(acting_user=request.user, problem_id=problem_id, note=payload.note)
    return problem_out(access_problem(request.user, problem_id))


def round_out(r: CollectionRound) -> dict[str, Any]:
    return {
        "id": r.pk,
        "region_code": r.region.code,
        "region_name": r.region.name,
        "year": r.year,
        "month": r.month,
        "lead_unit": r.lead_unit.name if r.lead_unit else "",
        "due_date": r.due_date.isoformat(),
        "submitted_at": _at(r.submitted_at),
        "late": projects.round_is_late(r, timezone.localdate()),
        "problems": getattr(r, "n_problems", None),
    }


class RoundQuery(PageQuery):
    month: MonthText | None = Field(None, description="月份，如 2026-11")
    state: str | None = Field(None, description="open 收集中 / submitted 已报送 / late 逾期")
    region: str | None = Field(None, description="县区/功能区代码")


class RoundIn(Schema):
    region: str = Field(description="县区/功能区代码")
    year: YearField
    month: MonthField


@router.get(
    "/rounds", response=answers(Page[RoundOut], LIST_ERRORS), summary="月度项目问题收集（含逾期名单）"
)
def list_rounds(request: HttpRequest, query: Query[RoundQuery]) -> Any:
    params = query.dict(exclude={"page", "size"}, exclude_none=True)
    return page_body(queries.rounds(request.user, params).strict(), query, out=round_out)


@router.post(
    "/rounds", response=answers({201: RoundOut}, ERRORS), summary="开启月度问题收集（已开启则返回原有轮次）"
)
def open_round(request: HttpRequest, payload: RoundIn) -> Any:
    rnd = projects.do_open_round(
        acting_user=request.user, region_code=payload.region, year=payload.year, month=payload.month
    )
    return Status(201, round_out(rnd))


@router.post("/rounds/{round_id}/submit", response=answers(RoundOut, ERRORS), summary="报送本月项目问题")
def submit_round(request: HttpRequest, round_id: int) -> Any:
    projects.do_submit_round(acting_user=request.user, round_id=round_id)
    return round_out(access_round(request.user, round_id))


class OutreachMonthQuery(Schema):
    year: YearField
    month: MonthField


@router.get("/overview", response=answers(dict), summary="市商务局月度汇总")
def overview(request: HttpRequest, query: Query[OutreachMonthQuery]) -> Any:
    if not can_see_overview(request.user):
        raise NotFound()
    data = figures.monthly_overview(query.year, query.month)
    return {
        "totals": data["totals"],
        "rounds": [
            {
                **round_out(r.round),
                "total": r.total,
                "solved": r.solved,
                "transferred": r.transferred,
                "open": r.open,
            }
            for r in data["rows"]
        ],
        "transferred": [problem_out(p) for p in data["transferred"]],
        "city_level": [problem_out(p) for p in data["city_level"]],
    }


@router.get("/criticism", response=answers(list[dict]), summary="通报批评候选（月度）")
def criticism(request: HttpRequest, query: Query[OutreachMonthQuery]) -> Any:
    if not can_see_overview(request.user):
        raise NotFound()
    return [
        {
            "kind": c.kind,
            "subject_id": c.subject_id,
            "subject_name": c.subject_name,
            "region_name": c.region_name,
            "cannot_do": c.cannot_do,
            "delays": c.delays,
            "late_report": c.late_report,
            "projects": c.projects,
            "reasons": c.reasons,
        }
        for c in figures.criticism_records(query.year, query.month)
    ]


# --- policies -----------------------------------------------------------------------------------


def policy_out(p: Policy) -> dict[str, Any]:
    return {
        "id": p.pk,
        "title": p.title,
        "doc_number": p.doc_number,
        "issuer": p.issuer.name if p.issuer else "",
        "summary": p.summary,
        "body": p.body,
        "url": p.url,
        "published_on": p.published_on.isoformat() if p.published_on else None,
        "valid_until": p.valid_until.isoformat() if p.valid_until else None,
        "industries": p.industries,
        "region_codes": p.region_codes,
        "scales": p.scales,
        "tiers": p.tiers,
        "is_active": p.is_active,
        "version": p.version,
    }


class PolicyQuery(PageQuery):
    q: str | None = Field(None, description="名称、文号或要点包含的文字")
    industry: str | None = Field(None, description="适用行业门类 A–T")
    tier: str | None = Field(None, description="适用企业层级")


class PolicyIn(Schema):
    title: str = Field(description="政策名称")
    doc_number: str = Field("", description="文号")
    issuer_id: int | None = Field(None, description="发布单位ID")
    summary: str = Field(description="政策要点")
    body: str = Field("", description="政策正文（可选）")
    url: str = Field("", description="原文链接")
    published_on: dt.date | None = Field(None, description="发布日期")
    valid_until: dt.date | None = Field(None, description="有效期至")
    industries: list[str] = Field([], description="适用行业门类（空为不限）")
    region_codes: list[str] = Field([], description="适用区划代码（空为全市，含下级）")
    scales: list[str] = Field([], description="适用规模：large/medium/small/micro（空为不限）")
    tiers: list[str] = Field([], description="适用层级：city_top100/county_key/general（空为不限）")


class PolicyPatch(PolicyIn):
    version: int = Field(description="读取时的版本号；他人已修改时返回 409 conflict")
    is_active: bool = Field(True, description="false：政策失效")


@router.get(
    "/policies",
    response=answers(Page[PolicyOut], LIST_ERRORS),
    summary="惠企政策库（企业用户：已送达本企业的政策）",
)
def list_policies(request: HttpRequest, query: Query[PolicyQuery]) -> Any:
    params = query.dict(exclude={"page", "size"}, exclude_none=True)
    return page_body(queries.policies(request.user, params).strict(), query, out=policy_out)


@router.get("/policies/{policy_id}", response=answers(PolicyOut), summary="惠企政策详情")
def get_policy(request: HttpRequest, policy_id: int) -> Any:
    return policy_out(access_policy(request.user, policy_id))


@router.post("/policies", response=answers({201: PolicyOut}, ERRORS), summary="录入惠企政策")
def create_policy(request: HttpRequest, payload: PolicyIn) -> Any:
    return Status(201, policy_out(policies.do_create_policy(acting_user=request.user, data=payload.dict())))


@router.put("/policies/{policy_id}", response=answers(PolicyOut, ERRORS), summary="修改惠企政策")
def update_policy(request: HttpRequest, policy_id: int, payload: PolicyPatch) -> Any:
    data = payload.dict()
    version = data.pop("version")
    return policy_out(
        policies.do_update_policy(acting_user=request.user, policy_id=policy_id, version=version, data=data)
    )


def import_out(batch: Any) -> dict[str, Any]:
    return {
        "id": batch.pk,
        "file_name": batch.file_name,
        "status": batch.status,
        "status_label": batch.get_status_display(),
        "valid_count": batch.valid_count,
        "error_count": batch.error_count,
        "created_count": batch.created_count,
        "rows": [
            {
                "row": r["row"],
                "title": r.get("title", ""),
                "ok": r.get("data") is not None,
                "code": r.get("code", ""),
                "error": r.get("error", ""),
                "policy_id": r.get("policy_id"),
            }
            for r in batch.rows
        ],
    }


@router.post(
    "/policy-imports",
    response=answers({201: dict}, ERRORS, IMPORT_ERRORS),
    summary="上传惠企政策导入文件（.xlsx），逐行检查并返回预览；确认前不写入政策库",
)
def preview_policy_import(request: HttpRequest, file: File[UploadedFile]) -> Any:
    batch = policy_import.do_preview_policy_import(acting_user=request.user, uploaded_file=file)
    return Status(201, import_out(batch))


@router.get("/policy-imports/{import_id}", response=answers(dict), summary="政策导入预览")
def get_policy_import(request: HttpRequest, import_id: int) -> Any:
    return import_out(policy_import.access_import(request.user, import_id))


@router.post(
    "/policy-imports/{import_id}/apply",
    response=answers(dict, ERRORS, IMPORT_ERRORS),
    summary="确认导入有效行",
)
def apply_policy_import(request: HttpRequest, import_id: int) -> Any:
    return import_out(policy_import.do_apply_policy_import(acting_user=request.user, import_id=import_id))


@router.post(
    "/policy-imports/{import_id}/cancel",
    response=answers(dict, ERRORS, IMPORT_ERRORS),
    summary="取消政策导入",
)
def cancel_policy_import(request: HttpRequest, import_id: int) -> Any:
    return import_out(policy_import.do_cancel_policy_import(acting_user=request.user, import_id=import_id))


def push_out(p: PolicyPush) -> dict[str, Any]:
    return {
        "id": p.pk,
        "policy_id": p.policy_id,
        "status": p.status,
        "status_label": p.get_status_display(),
        "total": p.total,
        "processed": p.processed,
        "delivered": p.delivered,
        "percent": p.percent,
        "send_sms": p.send_sms,
        "error": p.error,
        "created_at": _at(p.created_at),
        "finished_at": _at(p.finished_at),
    }


class PushIn(Schema):
    send_sms: bool = Field(True, description="同时发送短信")


@router.post(
    "/policies/{policy_id}/push",
    response=answers({202: PushOut}, ERRORS),
    summary="推送政策给符合条件的企业",
    description="在调用者管辖范围内按政策标签匹配存续企业，已送达的不重复；企业较多时在后台推送，"
    "用 GET /pushes/{id} 查看进度。没有可推送企业时返回 409 no_matching_enterprise。",
)
def push_policy(request: HttpRequest, policy_id: int, payload: PushIn) -> Any:
    push = pushes.do_push_policy(acting_user=request.user, policy_id=policy_id, send_sms=payload.send_sms)
    return Status(202, push_out(push))


@router.get("/rounds/{round_id}", response=answers(dict), summary="月度问题收集详情（含问题）")
def get_round(request: HttpRequest, round_id: int) -> Any:
    rnd = access_round(request.user, round_id)
    problems = rnd.problems.filter(project__in=visible_projects(request.user)).select_related(
        "project", "round", "ticket"
    )
    return {**round_out(rnd), "items": [problem_out(p) for p in problems]}


@router.get("/pushes/{push_id}", response=answers(PushOut), summary="推送进度")
def get_push(request: HttpRequest, push_id: int) -> Any:
    return push_out(access_push(request.user, push_id))


def delivery_out(d: PolicyDelivery) -> dict[str, Any]:
    return {
        "id": d.pk,
        "policy_id": d.policy_id,
        "policy_title": d.policy.title,
        "enterprise_id": d.enterprise_id,
        "enterprise_name": d.enterprise.name,
        "delivered_at": _at(d.delivered_at),
        "read_at": _at(d.read_at),
    }


class DeliveryQuery(PageQuery):
    policy: str | None = Field(None, description="政策ID")
    read: str | None = Field(None, description="1 已读 / 0 未读")
    q: str | None = Field(None, description="政策或企业名称包含的文字")


@router.get("/deliveries", response=answers(Page[DeliveryOut], LIST_ERRORS), summary="政策送达与阅读回执")
def list_deliveries(request: HttpRequest, query: Query[DeliveryQuery]) -> Any:
    params = query.dict(exclude={"page", "size"}, exclude_none=True)
    return page_body(queries.deliveries(request.user, params).strict(), query, out=delivery_out)


@router.post(
    "/deliveries/{delivery_id}/read",
    response=answers(DeliveryOut),
    summary="企业阅读政策（回执）",
)
def read_delivery(request: HttpRequest, delivery_id: int) -> Any:
    return delivery_out(policies.do_mark_read(acting_user=request.user, delivery_id=delivery_id))


class QuestionIn(Schema):
    content: str = Field(description="对政策的疑问（转为诉求办理）")


@router.post(
    "/deliveries/{delivery_id}/questions",
    response=answers({201: dict}, ERRORS),
    summary="就政策提问（生成诉求）",
)
def ask_question(request: HttpRequest, delivery_id: int, payload: QuestionIn) -> Any:
    q = policies.do_ask_question(acting_user=request.user, delivery_id=delivery_id, content=payload.content)
    return Status(201, {"id": q.pk, "ticket_id": q.ticket_id, "ticket_number": q.ticket.number})


# --- associations, supervisors, talks ---------------------------------------------------------------


class AssociationIn(Schema):
    name: str = Field(description="协会商会名称")
    region: str = Field(description="所在区划代码")
    contact_name: str = Field("", description="联系人")
    contact_phone: str = Field("", description="联系电话")
    member_ids: list[int] = Field([], description="会员企业ID")
    account_ids: list[int] = Field([], description="代表该会的“行业协会商会”角色账号ID")


class AssociationAccountsIn(Schema):
    account_ids: list[int] = Field(description="代表该会的“行业协会商会”角色账号ID（整体替换）")


class NameQuery(PageQuery):
    q: str | None = Field(None, description="名称包含的文字")


@router.get("/associations", response=answers(Records), summary="行业协会商会")
def list_associations(request: HttpRequest, query: Query[NameQuery]) -> Any:
    if is_association_user(request.user):
        qs = own_associations(request.user).select_related("region").order_by("name")
    elif not has_any_role(request.user, STAFF_ROLES):
        raise NotFound()
    else:
        qs = Association.objects.select_related("region").order_by("name")
    if query.q:
        qs = qs.filter(name__icontains=query.q.strip()[:100])
    return page_body(
        qs,
        query,
        out=lambda a: {
            "id": a.pk,
            "name": a.name,
            "region_code": a.region.code,
            "contact_name": a.contact_name,
        },
    )


@router.post("/associations", response=answers({201: dict}, ERRORS), summary="登记行业协会商会")
def create_association(request: HttpRequest, payload: AssociationIn) -> Any:
    a = forums.do_create_association(acting_user=request.user, data=payload.dict())
    return Status(201, {"id": a.pk, "name": a.name})


@router.put(
    "/associations/{association_id}/accounts",
    response=answers(dict, ERRORS),
    summary="关联协会商会账号（营商办）",
)
def set_association_accounts(
    request: HttpRequest, association_id: int, payload: AssociationAccountsIn
) -> Any:
    a = forums.do_set_association_accounts(
        acting_user=request.user, association_id=association_id, data=payload.dict()
    )
    return {"id": a.pk, "name": a.name, "account_ids": sorted(a.accounts.values_list("pk", flat=True))}


def opinion_out(o: AssociationOpinion) -> dict[str, Any]:
    return {
        "id": o.pk,
        "association": o.association.name,
        "title": o.title,
        "content": o.content,
        "answer_unit": o.answer_unit.name,
        "submitted_by": o.submitted_by.display_name,
        "submitted_at": _at(o.submitted_at),
        "status": o.status,
        "status_label": o.get_status_display(),
        "answer": o.answer,
        "answered_at": _at(o.answered_at),
        "version": o.version,
        "ratings": [
            {"enterprise_id": r.enterprise_id, "level": r.level, "comment": r.comment}
            for r in o.ratings.all()
        ],
    }


class OpinionQuery(PageQuery):
    q: str | None = Field(None, description="议题或协会名称")
    status: str | None = Field(None, description="submitted / answered / rated")


class OpinionIn(Schema):
    association_id: int | None = Field(
        None, description="协会商会ID；协会商会账号只关联一个协会时可不填，营商办代为录入时必填"
    )
    title: str = Field(description="议题")
    content: str = Field(description="收集的意见建议")
    answer_unit_id: int = Field(description="答复单位ID")
    enterprise_ids: list[int] = Field([], description="提出意见的企业ID（答复后可评价）")


class AnswerIn(Schema):
    answer: str = Field(description="答复")
    version: int | None = Field(None, description="读取时的版本号（可选）；他人已修改时返回 409 conflict")


class OutreachRatingIn(Schema):
    level: int = Field(description="满意度代码：1 非常满意 … 5 非常不满意（GB/T 39046-2020）")
    comment: str = Field("", description="评价")


@router.get("/opinions", response=answers(Records, LIST_ERRORS), summary="议事厅意见")
def list_opinions(request: HttpRequest, query: Query[OpinionQuery]) -> Any:
    params = query.dict(exclude={"page", "size"}, exclude_none=True)
    return page_body(
        queries.opinions(request.user, params).strict().prefetch_related("ratings"), query, out=opinion_out
    )


@router.get("/opinions/{opinion_id}", response=answers(dict), summary="议事厅意见详情")
def get_opinion(request: HttpRequest, opinion_id: int) -> Any:
    return opinion_out(access_opinion(request.user, opinion_id))


@router.post("/opinions", response=answers({201: dict}, ERRORS), summary="提交协会商会收集的意见")
def submit_opinion(request: HttpRequest, payload: OpinionIn) -> Any:
    o = forums.do_submit_opinion(acting_user=request.user, data=payload.dict())
    return Status(201, opinion_out(o))


@router.post("/opinions/{opinion_id}/answer", response=answers(dict, ERRORS), summary="答复单位答复")
def answer_opinion(request: HttpRequest, opinion_id: int, payload: AnswerIn) -> Any:
    forums.do_answer_opinion(
        acting_user=request.user, opinion_id=opinion_id, answer=payload.answer, version=payload.version
    )
    return opinion_out(access_opinion(request.user, opinion_id))


@router.post("/opinions/{opinion_id}/rating", response=answers({201: dict}, ERRORS), summary="企业评价答复")
def rate_opinion(request: HttpRequest, opinion_id: int, payload: OutreachRatingIn) -> Any:
    forums.do_rate_answer(
        acting_user=request.user, opinion_id=opinion_id, level=payload.level, comment=payload.comment
    )
    return Status(201, opinion_out(access_opinion(request.user, opinion_id)))


def report_out(r: SupervisorReport) -> dict[str, Any]:
    return {
        "id": r.pk,
        "title": r.title,
        "content": r.content,
        "enterprise_name": r.enterprise_name,
        "region_code": r.region.code if r.region else "",
        "status": r.status,
        "status_label": r.get_status_display(),
        "ticket_id": r.ticket_id,
        "ticket_number": r.ticket.number if r.ticket else "",
        "ticket_status": r.ticket.get_status_display() if r.ticket else "",
        "decline_reason": r.decline_reason,
        "submitted_at": _at(r.submitted_at),
        "version": r.version,
        "follow_ups": [{"note": f.note, "at": _at(f.at)} for f in r.follow_ups.all()],
    }


class ReportQuery(PageQuery):
    q: str | None = Field(None, description="问题或企业")
    status: str | None = Field(None, description="submitted / forwarded / declined")


class ReportIn(Schema):
    title: str = Field(description="问题")
    content: str = Field(description="问题描述")
    enterprise_name: str = Field("", description="涉及企业")
    region: str = Field("", description="发生地区划代码")


class OutreachNoteIn(Schema):
    note: str = Field("", description="说明 / 跟踪情况")
    version: int | None = Field(None, description="读取时的版本号（可选）；他人已修改时返回 409 conflict")


class OutreachReasonIn(Schema):
    reason: str = Field(description="不予转办的理由")
    version: int | None = Field(None, description="读取时的版本号（可选）；他人已修改时返回 409 conflict")


@router.get("/reports", response=answers(Records, LIST_ERRORS), summary="监督员反映的问题（监督员：本人的）")
def list_reports(request: HttpRequest, query: Query[ReportQuery]) -> Any:
    params = query.dict(exclude={"page", "size"}, exclude_none=True)
    return page_body(
        queries.reports(request.user, params).strict().prefetch_related("follow_ups"), query, out=report_out
    )


@router.get("/reports/{report_id}", response=answers(dict), summary="监督员反映问题详情")
def get_report(request: HttpRequest, report_id: int) -> Any:
    return report_out(access_report(request.user, report_id))


@router.post("/reports", response=answers({201: dict}, ERRORS), summary="营商环境监督员反映问题")
def submit_report(request: HttpRequest, payload: ReportIn) -> Any:
    r = forums.do_submit_report(acting_user=request.user, data=payload.dict())
    return Status(201, report_out(r))


@router.post("/reports/{report_id}/forward", response=answers(dict, ERRORS), summary="营商办转为诉求")
def forward_report(request: HttpRequest, report_id: int, payload: OutreachNoteIn) -> Any:
    forums.do_forward_report(
        acting_user=request.user, report_id=report_id, note=payload.note, version=payload.version
    )
    return report_out(access_report(request.user, report_id))


@router.post("/reports/{report_id}/decline", response=answers(dict, ERRORS), summary="不予转办")
def decline_report(request: HttpRequest, report_id: int, payload: OutreachReasonIn) -> Any:
    forums.do_decline_report(
        acting_user=request.user, report_id=report_id, reason=payload.reason, version=payload.version
    )
    return report_out(access_report(request.user, report_id))


@router.post("/reports/{report_id}/follow-ups", response=answers({201: dict}, ERRORS), summary="跟踪问效")
def follow_report(request: HttpRequest, report_id: int, payload: OutreachNoteIn) -> Any:
    forums.do_follow_up(acting_user=request.user, report_id=report_id, note=payload.note)
    return Status(201, report_out(access_report(request.user, report_id)))


class EventQuery(PageQuery):
    q: str | None = Field(None, description="主题或成果")
    kind: str | None = Field(None, description="talk 恳谈会 / forum 宿商讲坛")


class EventIn(Schema):
    kind: str = Field(description="talk 非公企业家恳谈会 / forum 宿商讲坛")
    theme: str = Field(description="主题")
    held_on: dt.date = Field(description="举办日期")
    location: str = Field("", description="地点")
    organiser_id: int | None = Field(None, description="主办单位ID")
    participants: str = Field("", description="参加人员")
    enterprise_ids: list[int] = Field([], description="参会企业ID")
    outcomes: str = Field("", description="反映问题和建议/成果")


def event_out(e: Any) -> dict[str, Any]:
    return {
        "id": e.pk,
        "kind": e.kind,
        "theme": e.theme,
        "held_on": e.held_on.isoformat(),
        "location": e.location,
        "organiser": e.organiser.name if e.organiser else "",
        "participants": e.participants,
        "outcomes": e.outcomes,
    }


@router.get("/events", response=answers(Records, LIST_ERRORS), summary="恳谈会与宿商讲坛")
def list_events(request: HttpRequest, query: Query[EventQuery]) -> Any:
    params = query.dict(exclude={"page", "size"}, exclude_none=True)
    return page_body(queries.events(request.user, params).strict(), query, out=event_out)


@router.post("/events", response=answers({201: dict}, ERRORS), summary="登记恳谈会/宿商讲坛")
def record_event(request: HttpRequest, payload: EventIn) -> Any:
    return Status(201, event_out(forums.do_record_event(acting_user=request.user, data=payload.dict())))


# --- symposia -------------------------------------------------------------------------------------


def symposium_out(s: Symposium) -> dict[str, Any]:
    return {
        "id": s.pk,
        "year": s.year,
        "half": s.half,
        "title": s.title,
        "themes": s.theme_list,
        "status": s.status,
        "status_label": s.get_status_display(),
        "planned_on": s.planned_on.isoformat() if s.planned_on else None,
        "held_on": s.held_on.isoformat() if s.held_on else None,
        "version": s.version,
        "nominations": [
            {
                "id": n.pk,
                "enterprise_id": n.enterprise_id,
                "source": n.source,
                "status": n.status,
                "reason": n.reason,
            }
            for n in s.nominations.all()
        ],
        "policies": [p.pk for p in s.policies.all()],
        "suggestions": [
            {
                "id": x.pk,
                "enterprise_id": x.enterprise_id,
                "content": x.content,
                "is_major": x.is_major,
                "ticket_number": x.ticket.number if x.ticket else "",
                "follow_ups": [f.note for f in x.follow_ups.all()],
            }
            for x in s.suggestions.select_related("ticket").prefetch_related("follow_ups")
        ],
    }


class SymposiumIn(Schema):
    year: YearField
    half: int = Field(description="1 上半年 / 2 下半年")
    title: str = Field("", description="名称（不填自动生成）")
    themes: str = Field(description="主题，每行一个")
    lead_unit_id: int | None = Field(None, description="牵头单位ID")
    planned_on: dt.date | None = Field(None, description="计划召开日期（须在该半年内）")


class NominationIn(Schema):
    enterprise_id: int | None = Field(None, description="部门推荐的企业ID（企业自荐时不填）")
    reason: str = Field("", description="推荐理由")


class SelectionIn(Schema):
    selected_ids: list[int] = Field(description="入选的推荐记录ID")
    version: int | None = Field(None, description="读取时的版本号（可选）；他人已修改时返回 409 conflict")


class PoliciesIn(Schema):
    policy_ids: list[int] = Field(description="向参会企业推送的政策ID")


class HeldIn(Schema):
    held_on: dt.date = Field(description="召开日期")
    version: int | None = Field(None, description="读取时的版本号（可选）；他人已修改时返回 409 conflict")


class SuggestionIn(Schema):
    enterprise_id: int = Field(description="参会企业ID")
    content: str = Field(description="意见建议")
    is_major: bool = Field(False, description="重大问题：转为诉求协调")


@router.get("/symposia", response=answers(Records), summary="企业家座谈会")
def list_symposia(request: HttpRequest, query: Query[PageQuery]) -> Any:
    return page_body(queries.symposia(request.user, {}).qs, query, out=symposium_out)


@router.get("/symposia/{symposium_id}", response=answers(dict), summary="座谈会详情")
def get_symposium(request: HttpRequest, symposium_id: int) -> Any:
    return symposium_out(access_symposium(request.user, symposium_id))


@router.post("/symposia", response=answers({201: dict}, ERRORS), summary="安排企业家座谈会（每半年一次）")
def create_symposium(request: HttpRequest, payload: SymposiumIn) -> Any:
    return Status(
        201, symposium_out(symposia.do_create_symposium(acting_user=request.user, data=payload.dict()))
    )


@router.post(
    "/symposia/{symposium_id}/nominations",
    response=answers({201: dict}, ERRORS),
    summary="企业自荐或部门推荐",
)
def nominate(request: HttpRequest, symposium_id: int, payload: NominationIn) -> Any:
    symposia.do_nominate(
        acting_user=request.user,
        symposium_id=symposium_id,
        enterprise_id=payload.enterprise_id,
        reason=payload.reason,
    )
    return Status(201, symposium_out(access_symposium(request.user, symposium_id)))


@router.post("/symposia/{symposium_id}/selection", response=answers(dict, ERRORS), summary="确定参会人选")
def select(request: HttpRequest, symposium_id: int, payload: SelectionIn) -> Any:
    return symposium_out(
        symposia.do_select(
            acting_user=request.user,
            symposium_id=symposium_id,
            selected_ids=list(payload.selected_ids),
            version=payload.version,
        )
    )


@router.post(
    "/symposia/{symposium_id}/policies", response=answers(dict, ERRORS), summary="向参会企业推送政策"
)
def push_symposium_policies(request: HttpRequest, symposium_id: int, payload: PoliciesIn) -> Any:
    return symposium_out(
        symposia.do_push_policies(
            acting_user=request.user, symposium_id=symposium_id, policy_ids=list(payload.policy_ids)
        )
    )


@router.post("/symposia/{symposium_id}/held", response=answers(dict, ERRORS), summary="记录已召开")
def mark_held(request: HttpRequest, symposium_id: int, payload: HeldIn) -> Any:
    return symposium_out(
        symposia.do_mark_held(
            acting_user=request.user,
            symposium_id=symposium_id,
            held_on=payload.held_on,
            version=payload.version,
        )
    )


@router.post(
    "/symposia/{symposium_id}/suggestions",
    response=answers({201: dict}, ERRORS),
    summary="记录意见建议（重大问题转诉求）",
)
def add_suggestion(request: HttpRequest, symposium_id: int, payload: SuggestionIn) -> Any:
    symposia.do_record_suggestion(
        acting_user=request.user,
        symposium_id=symposium_id,
        enterprise_id=payload.enterprise_id,
        content=payload.content,
        is_major=payload.is_major,
    )
    return Status(201, symposium_out(access_symposium(request.user, symposium_id)))


@router.post(
    "/suggestions/{suggestion_id}/follow-ups",
    response=answers({201: dict}, ERRORS),
    summary="座谈会建议的跟踪问效",
)
def follow_suggestion(request: HttpRequest, suggestion_id: int, payload: OutreachNoteIn) -> Any:
    forums.do_follow_up(acting_user=request.user, suggestion_id=suggestion_id, note=payload.note)
    return Status(201, {"ok": True})
