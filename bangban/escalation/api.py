"""`/api/v1/escalation`: tiers, escalation, meetings and tasks, the mayor's channel review, disputes
and supervision orders. Every operation calls the same action as the pages; errors come back as
`{code, message}`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Schema, Status

from bangban.core.answers import Router, answers
from bangban.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied
from bangban.core.pagination import Page, PageNumber, PageSize, page_body
from bangban.core.schemas import Month, Year
from bangban.tickets.access import access_ticket

from . import access, actions, queries
from .figures import unit_month_figures
from .models import (
    CaseEscalation,
    DeputyRoute,
    Dispute,
    EscalationStep,
    MayorReview,
    Meeting,
    MeetingTask,
    SupervisionOrder,
    Tier,
)

router = Router(tags=["分级会办与督办"])


# The codes the escalation actions (`actions.py`) answer: bad input (400), a refusal (403) and a
# state that does not allow the operation (409).
ERRORS = [
    *("auto_rule_invalid", "case_invalid", "category_invalid", "category_required", "chair_invalid",
      "chair_required", "comment_invalid", "comment_required", "content_required", "decision_invalid",
      "decision_required", "deputy_route_missing", "dispute_bound", "dispute_pending", "dispute_too_late",
      "held_at_required", "invalid_workdays", "kind_invalid", "kind_required", "lead_unit_required",
      "meeting_invalid", "meeting_type_invalid", "minutes_required", "name_required", "no_unit",
      "note_required", "owner_unit_required", "place_invalid", "reason_required", "response_required",
      "reviewer_not_deputy", "target_required", "tier_invalid", "tier_required", "title_required",
      "too_long", "urgency_invalid", "user_invalid", "validation_error"),
    *((403, c) for c in ("mayor_dispatch_via_review", "not_participant", "wrong_unit")),
    Conflict,
    InvalidTransition,
    *((409, c) for c in ("already_escalated", "mapping_exists", "already_answered", "case_finished",
                         "consult_for_major_only", "dispute_decided", "major_requires_consult",
                         "mayor_signoff_incomplete", "out_of_turn", "task_done")),
]  # fmt: skip


# --- tiers and escalation --------------------------------------------------------------------------


class TierOut(Schema):
    id: int
    level: int = Field(description="层级（1 为接收单位）")
    name: str = Field(description="名称")
    kind: str = Field(description="方式：unit / meeting / office")
    workdays: int = Field(description="本级办理时限（工作日；第1级按诉求办理时限）")
    is_active: bool


class TierIn(Schema):
    name: str = Field(description="名称")
    workdays: int = Field(description="本级办理时限（工作日）")
    is_active: bool = True


def _tier(t: Tier) -> dict[str, Any]:
    return {
        "id": t.pk,
        "level": t.level,
        "name": t.name,
        "kind": t.kind,
        "workdays": t.workdays,
        "is_active": t.is_active,
    }


@router.get("/tiers", response=answers(list[TierOut]), summary="会办层级")
def list_tiers(request: HttpRequest) -> Any:
    actions.ensure_default_tiers()
    return [_tier(t) for t in Tier.objects.order_by("level")]


@router.put("/tiers/{int:tier_id}", response=answers(TierOut, ERRORS), summary="修改会办层级")
def update_tier(request: HttpRequest, tier_id: int, body: TierIn) -> Any:
    return _tier(actions.do_update_tier(acting_user=request.user, tier_id=tier_id, **body.dict()))


class SettingsIO(Schema):
    auto_rule: str = Field(description="自动升级规则：tier_deadline / overdue / off")
    auto_max_level: int = Field(description="自动升级最高至第几级")
    dispute_window_workdays: int = Field(description="异议申请时限（工作日）")
    dispute_decision_workdays: int = Field(description="专班认定时限（工作日）")
    supervision_workdays: int = Field(description="督办默认答复时限（工作日）")


def _settings() -> dict[str, Any]:
    row = actions.settings_row()
    return {f: getattr(row, f) for f in SettingsIO.model_fields}


@router.get("/settings", response=answers(SettingsIO), summary="分级会办参数")
def get_settings(request: HttpRequest) -> Any:
    return _settings()


@router.put("/settings", response=answers(SettingsIO, ERRORS), summary="修改分级会办参数")
def put_settings(request: HttpRequest, body: SettingsIO) -> Any:
    actions.do_update_settings(acting_user=request.user, **body.dict())
    return _settings()


class EscalationStepOut(Schema):
    from_level: int
    to_level: int
    tier_name: str
    kind: str = Field(description="manual 手动 / auto 自动")
    reason: str
    actor: str
    at: dt.datetime


class CaseTierOut(Schema):
    ticket_id: int
    number: str
    status: str
    level: int = Field(description="当前层级")
    tier: str = Field(description="当前层级名称")
    tier_due_at: dt.datetime | None = Field(description="本级时限")
    special_supervision: bool = Field(description="专项督查（市长直通车）")
    path: list[EscalationStepOut] = Field(description="升级路径")


def _step(s: EscalationStep) -> dict[str, Any]:
    return {"from_level": s.from_level, "to_level": s.to_level, "tier_name": s.tier_name, "kind": s.kind,
            "reason": s.reason, "actor": s.actor_name, "at": s.at}  # fmt: skip


def _case_tier(ticket: Any) -> dict[str, Any]:
    row = CaseEscalation.objects.filter(ticket=ticket).select_related("tier").first()
    first = Tier.objects.filter(level=1).first()
    return {
        "ticket_id": ticket.pk,
        "number": ticket.number,
        "status": ticket.status,
        "level": row.level if row else 1,
        "tier": row.tier.name if row else (first.name if first else "接收单位办理"),
        "tier_due_at": row.tier_due_at if row else ticket.due_at,
        "special_supervision": ticket.channel == "mayor",
        "path": [_step(s) for s in EscalationStep.objects.filter(ticket=ticket).order_by("at", "id")],
    }


@router.get("/cases", response=answers(Page[CaseTierOut]), summary="已升级的诉求")
def list_escalated(
    request: HttpRequest, level: int | None = None, q: str = "", page: PageNumber = 1, size: PageSize = 20
) -> Any:
    if not access.is_staff(request.user):
        raise NotFound()
    qs = queries.escalated_cases(request.user, {"level": str(level or ""), "q": q})
    return page_body(qs, page, size, lambda e: _case_tier(e.ticket))


@router.get("/cases/{int:ticket_id}", response=answers(CaseTierOut), summary="诉求的层级与升级路径")
def case_tier(request: HttpRequest, ticket_id: int) -> Any:
    if not access.is_staff(request.user):
        raise NotFound()
    return _case_tier(access_ticket(request.user, ticket_id))


class EscalateIn(Schema):
    reason: str = Field(description="升级理由（必填）")
    to_level: int | None = Field(None, description="升至层级；不填为上一级")


@router.post(
    "/cases/{int:ticket_id}/escalate", response=answers({201: CaseTierOut}, ERRORS), summary="手动升级会办"
)
def escalate(request: HttpRequest, ticket_id: int, body: EscalateIn) -> Any:
    step = actions.do_escalate(
        acting_user=request.user, ticket_id=ticket_id, reason=body.reason, to_level=body.to_level
    )
    return Status(201, _case_tier(step.ticket))


# --- meetings and tasks ----------------------------------------------------------------------------


class TaskOut(Schema):
    id: int
    meeting_id: int
    content: str = Field(description="议定事项")
    owner_unit_id: int = Field(description="责任单位")
    owner_unit: str
    ticket_id: int | None
    workdays: int
    due_at: dt.datetime
    status: str = Field(description="open 办理中 / done 已完成")
    overdue: bool
    done_at: dt.datetime | None
    done_note: str


def _task(t: MeetingTask) -> dict[str, Any]:
    from django.utils import timezone

    return {
        "id": t.pk, "meeting_id": t.meeting_id, "content": t.content, "owner_unit_id": t.owner_unit_id,
        "owner_unit": t.owner_unit.name, "ticket_id": t.ticket_id, "workdays": t.workdays, "due_at": t.due_at,
        "status": t.status, "overdue": t.status == "open" and t.due_at < timezone.now(), "done_at": t.done_at,
        "done_note": t.done_note,
    }  # fmt: skip


class ParticipantOut(Schema):
    user_id: int
    name: str
    confirmed_at: dt.datetime | None


class MeetingOut(Schema):
    id: int
    type: str = Field(
        description="topic 专题会办 / help 解难帮扶会办会 / analysis 处置分析会 / executive 常务副市长会办 / joint 联席会议 / consult 会商"
    )
    title: str
    held_at: dt.datetime
    place: str
    chair_id: int
    status: str
    minutes: str
    unit_ids: list[int]
    case_ids: list[int]
    participants: list[ParticipantOut]
    tasks: list[TaskOut]
    version: int = Field(description="版本号；修改时原样提交")


def _meeting(m: Meeting) -> dict[str, Any]:
    return {
        "id": m.pk, "type": m.type, "title": m.title, "held_at": m.held_at, "place": m.place,
        "chair_id": m.chair_id, "status": m.status, "minutes": m.minutes,
        "unit_ids": list(m.units.values_list("pk", flat=True)),
        "case_ids": list(m.cases.values_list("pk", flat=True)),
        "participants": [{"user_id": p.user_id, "name": p.user.display_name, "confirmed_at": p.confirmed_at}
                         for p in m.participants.select_related("user")],
        "tasks": [_task(t) for t in m.tasks.select_related("owner_unit")], "version": m.version,
    }  # fmt: skip


class MeetingIn(Schema):
    type: str = Field(description="会议类型")
    title: str = Field(description="会议名称")
    held_at: dt.datetime = Field(description="会议时间")
    chair_id: int = Field(description="主持人")
    place: str = ""
    unit_ids: list[int] = Field(default_factory=list, description="参会单位")
    participant_ids: list[int] = Field(default_factory=list, description="参会人员")
    case_ids: list[int] = Field(default_factory=list, description="会办诉求")


@router.get("/meetings", response=answers(Page[MeetingOut]), summary="会办会议")
def list_meetings(request: HttpRequest, type: str = "", page: PageNumber = 1, size: PageSize = 20) -> Any:
    qs = access.visible_meetings(request.user).order_by("-held_at", "-id")
    if type:
        qs = qs.filter(type=type)
    return page_body(qs, page, size, _meeting)


@router.post("/meetings", response=answers({201: MeetingOut}, ERRORS), summary="登记会办会议")
def create_meeting(request: HttpRequest, body: MeetingIn) -> Any:
    return Status(201, _meeting(actions.do_create_meeting(acting_user=request.user, **body.dict())))


@router.get("/meetings/{int:meeting_id}", response=answers(MeetingOut), summary="会议详情")
def get_meeting(request: HttpRequest, meeting_id: int) -> Any:
    return _meeting(access.access_meeting(request.user, meeting_id))


class MinutesIn(Schema):
    minutes: str = Field(description="会议纪要")
    held: bool = Field(True, description="会议已召开")
    version: int | None = Field(None, description="读取时的版本号（可选）；他人已修改时返回 409 conflict")


@router.post(
    "/meetings/{int:meeting_id}/minutes", response=answers(MeetingOut, ERRORS), summary="填写会议纪要"
)
def minutes(request: HttpRequest, meeting_id: int, body: MinutesIn) -> Any:
    return _meeting(actions.do_record_minutes(acting_user=request.user, meeting_id=meeting_id, **body.dict()))


@router.post(
    "/meetings/{int:meeting_id}/attendance", response=answers(MeetingOut, ERRORS), summary="确认参会"
)
def confirm(request: HttpRequest, meeting_id: int) -> Any:
    actions.do_confirm_attendance(acting_user=request.user, meeting_id=meeting_id)
    return _meeting(access.access_meeting(request.user, meeting_id))


class TaskIn(Schema):
    content: str = Field(description="议定事项")
    owner_unit_id: int | None = Field(None, description="责任单位（必填）")
    workdays: int = Field(description="办理时限（工作日）")
    ticket_id: int | None = Field(None, description="相关诉求（须为本次会议会办的诉求）")


@router.post(
    "/meetings/{int:meeting_id}/tasks", response=answers({201: TaskOut}, ERRORS), summary="添加议定任务"
)
def add_task(request: HttpRequest, meeting_id: int, body: TaskIn) -> Any:
    return Status(
        201, _task(actions.do_add_task(acting_user=request.user, meeting_id=meeting_id, **body.dict()))
    )


@router.get(
    "/tasks",
    response=answers(Page[TaskOut]),
    summary="议定任务",
    description="view=unit：本单位的任务；view=overdue：全部超期任务（督查）。",
)
def list_tasks(request: HttpRequest, view: str = "unit", page: PageNumber = 1, size: PageSize = 20) -> Any:
    from django.utils import timezone

    qs = access.visible_tasks(request.user).select_related("owner_unit")
    if view == "overdue":
        qs = qs.filter(status="open", due_at__lt=timezone.now())
    else:
        qs = qs.filter(owner_unit_id=getattr(request.user, "unit_id", None))
    return page_body(qs.order_by("status", "due_at", "id"), page, size, _task)


class EscalationNoteIn(Schema):
    note: str = Field(description="完成情况")


@router.post("/tasks/{int:task_id}/done", response=answers(TaskOut, ERRORS), summary="报送任务完成")
def task_done(request: HttpRequest, task_id: int, body: EscalationNoteIn) -> Any:
    return _task(actions.do_complete_task(acting_user=request.user, task_id=task_id, note=body.note))


# --- the mayor's channel ---------------------------------------------------------------------------


class ReviewStepOut(Schema):
    stage: str
    decision: str
    comment: str
    actor: str
    at: dt.datetime


class ReviewOut(Schema):
    ticket_id: int
    number: str
    status: str = Field(description="诉求状态")
    stage: str = Field(
        description="审核环节：collected / deputy / secretary / vice_mayor / consult / ready / dispatched"
    )
    kind: str = Field(description="general 一般问题 / major 重大问题")
    category_id: int | None
    deputy_id: int | None
    consult_meeting_id: int | None
    special_supervision: bool
    steps: list[ReviewStepOut]
    version: int = Field(description="版本号；修改时原样提交")


def _review(r: MayorReview) -> dict[str, Any]:
    return {
        "ticket_id": r.ticket_id, "number": r.ticket.number, "status": r.ticket.status, "stage": r.stage,
        "kind": r.kind, "category_id": r.category_id, "deputy_id": r.deputy_id,
        "consult_meeting_id": r.consult_meeting_id, "special_supervision": r.special_supervision,
        "steps": [{"stage": s.stage, "decision": s.decision, "comment": s.comment, "actor": s.actor_name, "at": s.at}
                  for s in r.steps.all()], "version": r.version,
    }  # fmt: skip


def _mayor_user(request: HttpRequest) -> Any:
    from bangban.accounts.access import has_any_role

    if not has_any_role(request.user, access.MAYOR_CHAIN_ROLES):
        raise NotFound()
    return request.user


@router.get(
    "/mayor",
    response=answers(list[ReviewOut]),
    summary="市长直通车审核列表",
    description="stage 按审核环节筛选；最多返回 200 条。",
)
def list_mayor(request: HttpRequest, stage: str = "") -> Any:
    user = _mayor_user(request)
    out = []
    for t in queries.mayor_cases(user, stage)[:200]:
        review = actions.open_review(t)
        if review is not None:
            out.append(_review(review))
    return out


@router.get("/mayor/{int:ticket_id}", response=answers(ReviewOut), summary="市长直通车审核详情")
def get_review(request: HttpRequest, ticket_id: int) -> Any:
    user = _mayor_user(request)
    review = actions.open_review(access_ticket(user, ticket_id))
    if review is None:
        raise NotFound()
    return _review(review)


class EscalationClassifyIn(Schema):
    category_id: int = Field(description="诉求分类")
    kind: str = Field(description="general 一般问题 / major 重大问题")
    comment: str = ""
    version: int | None = Field(None, description="读取时的版本号（可选）；他人已修改时返回 409 conflict")


@router.post(
    "/mayor/{int:ticket_id}/classify", response=answers(ReviewOut, ERRORS), summary="分类并送对口联系副秘书长"
)
def classify(request: HttpRequest, ticket_id: int, body: EscalationClassifyIn) -> Any:
    return _review(actions.do_classify(acting_user=request.user, ticket_id=ticket_id, **body.dict()))


class SignIn(Schema):
    decision: str = Field(description="accept 同意 / return 退回")
    comment: str = Field("", description="批示/意见（退回时必填）")
    version: int | None = Field(None, description="读取时的版本号（可选）；他人已修改时返回 409 conflict")


@router.post("/mayor/{int:ticket_id}/sign", response=answers(ReviewOut, ERRORS), summary="审核/签批",
             description="对口联系副秘书长审核、秘书长签批、分管市长签批，依次进行；越序签批返回 409 out_of_turn。")  # fmt: skip
def sign(request: HttpRequest, ticket_id: int, body: SignIn) -> Any:
    return _review(actions.do_sign(acting_user=request.user, ticket_id=ticket_id, **body.dict()))


class ConsultIn(Schema):
    chair_id: int = Field(description="主持会商的市长或副市长")
    held_at: dt.datetime
    comment: str = ""
    place: str = ""
    version: int | None = Field(None, description="读取时的版本号（可选）；他人已修改时返回 409 conflict")


@router.post(
    "/mayor/{int:ticket_id}/consult",
    response=answers({201: MeetingOut}, ERRORS),
    summary="提请会商（重大问题）",
)
def consult(request: HttpRequest, ticket_id: int, body: ConsultIn) -> Any:
    meeting = actions.do_request_consult(acting_user=request.user, ticket_id=ticket_id, **body.dict())
    return Status(201, _meeting(meeting))


class MayorDispatchIn(Schema):
    lead_unit_id: int = Field(description="承办单位")
    urgency: str = Field(description="urgent 2个工作日 / general 5个工作日 / complex 15个工作日")
    co_unit_ids: list[int] = Field(default_factory=list)
    note: str = ""
    version: int | None = Field(None, description="读取时的版本号（可选）；他人已修改时返回 409 conflict")


@router.post("/mayor/{int:ticket_id}/dispatch", response=answers(ReviewOut, ERRORS), summary="交办")
def mayor_dispatch(request: HttpRequest, ticket_id: int, body: MayorDispatchIn) -> Any:
    actions.do_mayor_dispatch(acting_user=request.user, ticket_id=ticket_id, **body.dict())
    return _review(MayorReview.objects.select_related("ticket").get(ticket_id=ticket_id))


# --- the 对口联系副秘书长 table (R8.2) -----------------------------------------------------------------


class RouteOut(Schema):
    id: int
    category_id: int = Field(description="诉求分类")
    category: str = Field(description="分类名称（含上级路径）")
    category_code: str = Field(description="分类编码")
    deputy_id: int = Field(description="对口联系副秘书长（用户编号）")
    deputy: str = Field(description="副秘书长姓名")
    deputy_active: bool = Field(description="副秘书长账号是否有效")


class RouteIn(Schema):
    category_id: int = Field(description="诉求分类（须存在且已启用，每个分类一条）")
    deputy_id: int = Field(description="对口联系副秘书长（须为具有副秘书长角色的有效账号）")


def _route(r: DeputyRoute) -> dict[str, Any]:
    return {
        "id": r.pk, "category_id": r.category_id, "category": r.category.path or r.category.name,
        "category_code": r.category.code, "deputy_id": r.deputy_id, "deputy": r.deputy.display_name,
        "deputy_active": r.deputy.is_active,
    }  # fmt: skip


def _route_user(request: HttpRequest) -> Any:
    if not access.can_view_routes(request.user):
        raise NotFound()
    return request.user


@router.get("/deputy-routes", response=answers(Page[RouteOut]), summary="对口联系副秘书长列表",
            description="q 按分类名称、编码或副秘书长姓名搜索；分页。")  # fmt: skip
def list_routes(request: HttpRequest, q: str = "", page: PageNumber = 1, size: PageSize = 50) -> Any:
    _route_user(request)
    return page_body(queries.deputy_routes(q), page, size, _route)


@router.get("/deputy-routes/{int:route_id}", response=answers(RouteOut), summary="对口配置详情")
def get_route(request: HttpRequest, route_id: int) -> Any:
    _route_user(request)
    route = DeputyRoute.objects.select_related("category", "deputy").filter(pk=route_id).first()
    if route is None:
        raise NotFound("该对口配置不存在或已删除")
    return _route(route)


@router.post("/deputy-routes", response=answers({201: RouteOut}, ERRORS), summary="添加对口联系副秘书长",
             description="副秘书长无效返回 400 reviewer_not_deputy；分类无效返回 400 category_invalid；"
                         "该分类已有配置返回 409 mapping_exists。")  # fmt: skip
def create_route(request: HttpRequest, body: RouteIn) -> Any:
    _route_user(request)
    return Status(201, _route(actions.do_create_route(acting_user=request.user, **body.dict())))


@router.put(
    "/deputy-routes/{int:route_id}", response=answers(RouteOut, ERRORS), summary="修改对口联系副秘书长"
)
def update_route(request: HttpRequest, route_id: int, body: RouteIn) -> Any:
    _route_user(request)
    return _route(actions.do_update_route(acting_user=request.user, route_id=route_id, **body.dict()))


@router.delete(
    "/deputy-routes/{int:route_id}", response=answers({204: None}, ERRORS), summary="删除对口联系副秘书长"
)
def delete_route(request: HttpRequest, route_id: int) -> Any:
    _route_user(request)
    actions.do_delete_route(acting_user=request.user, route_id=route_id)
    return Status(204, None)


# --- disputes --------------------------------------------------------------------------------------


class DisputeOut(Schema):
    id: int
    ticket_id: int
    unit_id: int = Field(description="提出异议的单位")
    reason: str
    raised_at: dt.datetime
    decide_due_at: dt.datetime = Field(description="专班认定期限")
    status: str = Field(description="pending 待认定 / decided 已认定")
    lead_unit_id: int | None
    co_unit_ids: list[int]
    decision: str
    meeting_id: int | None


def _dispute(d: Dispute) -> dict[str, Any]:
    return {
        "id": d.pk, "ticket_id": d.ticket_id, "unit_id": d.unit_id, "reason": d.reason, "raised_at": d.raised_at,
        "decide_due_at": d.decide_due_at, "status": d.status, "lead_unit_id": d.lead_unit_id,
        "co_unit_ids": list(d.co_units.values_list("pk", flat=True)), "decision": d.decision,
        "meeting_id": d.meeting_id,
    }  # fmt: skip


class EscalationReasonIn(Schema):
    reason: str = Field(description="异议理由")


@router.post(
    "/cases/{int:ticket_id}/disputes", response=answers({201: DisputeOut}, ERRORS), summary="提出职责异议"
)
def raise_dispute(request: HttpRequest, ticket_id: int, body: EscalationReasonIn) -> Any:
    dispute = actions.do_raise_dispute(acting_user=request.user, ticket_id=ticket_id, reason=body.reason)
    return Status(201, _dispute(dispute))


@router.get("/disputes", response=answers(Page[DisputeOut]), summary="职责异议台账")
def list_disputes(request: HttpRequest, status: str = "", page: PageNumber = 1, size: PageSize = 20) -> Any:
    qs = access.visible_disputes(request.user).order_by("-raised_at", "-id")
    if status:
        qs = qs.filter(status=status)
    return page_body(qs, page, size, _dispute)


class EscalationDecideIn(Schema):
    lead_unit_id: int | None = Field(None, description="主办单位")
    co_unit_ids: list[int] = Field(default_factory=list, description="协办单位")
    decision: str = Field(description="认定意见")
    meeting_id: int | None = Field(None, description="联席会议")


@router.post("/disputes/{int:dispute_id}/decide", response=answers(DisputeOut, ERRORS), summary="专班认定")
def decide(request: HttpRequest, dispute_id: int, body: EscalationDecideIn) -> Any:
    return _dispute(actions.do_decide_dispute(acting_user=request.user, dispute_id=dispute_id, **body.dict()))


# --- supervision -----------------------------------------------------------------------------------


class OrderOut(Schema):
    id: int
    kind: str = Field(description="supervise 督办 / urge 催办")
    ticket_id: int | None
    task_id: int | None
    unit_id: int = Field(description="被督办单位")
    content: str
    issued_at: dt.datetime
    due_at: dt.datetime
    status: str = Field(description="open 待答复 / answered 已答复")
    response: str
    responded_at: dt.datetime | None
    reminders: int


def _order(o: SupervisionOrder) -> dict[str, Any]:
    return {
        "id": o.pk, "kind": o.kind, "ticket_id": o.ticket_id, "task_id": o.task_id, "unit_id": o.unit_id,
        "content": o.content, "issued_at": o.issued_at, "due_at": o.due_at, "status": o.status,
        "response": o.response, "responded_at": o.responded_at, "reminders": o.reminders,
    }  # fmt: skip


class OrderIn(Schema):
    kind: str = Field("supervise", description="supervise 督办 / urge 催办")
    content: str = Field(description="督办要求")
    ticket_id: int | None = Field(None, description="督办的诉求（与 task_id 二选一）")
    task_id: int | None = Field(None, description="督办的会议任务")
    workdays: int | None = Field(None, description="答复时限（工作日）")


@router.post("/supervision", response=answers({201: OrderOut}, ERRORS), summary="下发督办/催办单")
def issue(request: HttpRequest, body: OrderIn) -> Any:
    return Status(201, _order(actions.do_issue_order(acting_user=request.user, **body.dict())))


@router.get("/supervision", response=answers(Page[OrderOut]), summary="督办单")
def list_orders(request: HttpRequest, status: str = "", page: PageNumber = 1, size: PageSize = 20) -> Any:
    qs = access.visible_orders(request.user).order_by("status", "due_at", "id")
    if status:
        qs = qs.filter(status=status)
    return page_body(qs, page, size, _order)


class ResponseIn(Schema):
    response: str = Field(description="书面答复")


@router.post(
    "/supervision/{int:order_id}/respond", response=answers(OrderOut, ERRORS), summary="书面答复督办单"
)
def respond(request: HttpRequest, order_id: int, body: ResponseIn) -> Any:
    return _order(
        actions.do_respond_order(acting_user=request.user, order_id=order_id, response=body.response)
    )


@router.get("/figures", response=answers(dict[int, dict[str, int]]), summary="各单位月度督办、任务、升级、异议数",
            description="营商办、市政府办公室、作风办、审计员和系统管理员可查。")  # fmt: skip
def figures(request: HttpRequest, year: Year, month: Month) -> Any:
    from bangban.accounts.access import has_any_role
    from bangban.accounts.roles import Role

    if not has_any_role(request.user, access.SUPERVISOR_ROLES | {Role.AUDITOR}):
        raise PermissionDenied()
    return unit_month_figures(year, month)
