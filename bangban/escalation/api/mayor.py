"""`/escalation/mayor`: the mayor's channel review, signing, consulting and dispatch (R8)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Schema, Status

from bangban.accounts.access import has_any_role
from bangban.core.answers import answers
from bangban.core.errors import NotFound
from bangban.core.http import AuthedHttpRequest
from bangban.tickets.access import access_ticket

from .. import access, actions, queries
from ..models import MayorReview, ReviewStage
from ._common import ERRORS, _meeting, router
from .meetings import MeetingOut


class ReviewStepOut(Schema):
    stage: str
    decision: str
    comment: str
    actor: str
    at: dt.datetime


class EscalationDispatchProposalOut(Schema):
    urgency: str
    assessment: str = Field(description="研判结论")
    workdays: int = Field(description="办理时限（工作日）")
    due_at: dt.datetime = Field(description="如现在交办的办结期限")
    provisional: bool = Field(description="期限所在年份的节假日安排尚未发布，暂按周末计算")


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
    vice_mayor_id: int | None = Field(description="签批的分管市长（秘书长同意后按分管市长分工确定）")
    vice_mayor: str = Field(description="签批的分管市长姓名")
    urgency: str = Field(
        description="办理时限研判：urgent 事实清楚、情况紧急 / general 一般 / complex 情况复杂或涉及多个单位；未研判为空"
    )
    proposal: EscalationDispatchProposalOut | None = Field(
        description="按研判结果建议的交办时限（以当前时间交办计）"
    )
    consult_meeting_id: int | None
    special_supervision: bool
    steps: list[ReviewStepOut]
    version: int = Field(description="版本号；修改时原样提交")


def _review(r: MayorReview) -> dict[str, Any]:
    signer = actions.vice_mayor_of(r)
    return {
        "ticket_id": r.ticket_id, "number": r.ticket.number, "status": r.ticket.status, "stage": r.stage,
        "kind": r.kind, "category_id": r.category_id, "deputy_id": r.deputy_id,
        "vice_mayor_id": signer.pk if signer else None, "vice_mayor": signer.display_name if signer else "",
        "urgency": r.urgency, "proposal": queries.dispatch_proposal(r, timezone.now())
        if r.stage != ReviewStage.DISPATCHED else None,
        "consult_meeting_id": r.consult_meeting_id, "special_supervision": r.special_supervision,
        "steps": [{"stage": s.stage, "decision": s.decision, "comment": s.comment, "actor": s.actor_name, "at": s.at}
                  for s in r.steps.all()], "version": r.version,
    }  # fmt: skip


def _mayor_user(request: HttpRequest) -> Any:

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
    urgency: str | None = Field(
        None,
        description="办理时限研判（可选）：urgent 事实清楚、情况紧急 / general 一般 / complex 情况复杂或涉及多个单位",
    )
    version: int | None = Field(None, description="读取时的版本号（可选）；他人已修改时返回 409 conflict")


@router.post(
    "/mayor/{int:ticket_id}/classify", response=answers(ReviewOut, ERRORS), summary="分类并送对口联系副秘书长"
)
def classify(request: AuthedHttpRequest, ticket_id: int, body: EscalationClassifyIn) -> Any:
    return _review(actions.do_classify(acting_user=request.user, ticket_id=ticket_id, **body.dict()))


class SignIn(Schema):
    decision: str = Field(description="accept 同意 / return 退回")
    comment: str = Field("", description="批示/意见（退回时必填）")
    urgency: str | None = Field(
        None,
        description="对口联系副秘书长审核同意时的办理时限研判：urgent 事实清楚、情况紧急（2个工作日）/ "
        "general 一般（5个）/ complex 情况复杂或涉及多个单位（15个）；不填沿用分类时的研判，均无则为一般",
    )
    version: int | None = Field(None, description="读取时的版本号（可选）；他人已修改时返回 409 conflict")


@router.post("/mayor/{int:ticket_id}/sign", response=answers(ReviewOut, ERRORS), summary="审核/签批",
             description="对口联系副秘书长审核、秘书长签批、分管市长签批，依次进行；越序签批返回 409 out_of_turn；"
                         "非该分类的分管市长签批返回 403 not_in_charge；分类未明确分管市长且无常务副市长时秘书长同意返回 400 vice_mayor_missing。")  # fmt: skip
def sign(request: AuthedHttpRequest, ticket_id: int, body: SignIn) -> Any:
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
def consult(request: AuthedHttpRequest, ticket_id: int, body: ConsultIn) -> Any:
    meeting = actions.do_request_consult(acting_user=request.user, ticket_id=ticket_id, **body.dict())
    return Status(201, _meeting(meeting))


class MayorDispatchIn(Schema):
    lead_unit_id: int = Field(description="承办单位")
    urgency: str | None = Field(
        None,
        description="urgent 2个工作日 / general 5个工作日 / complex 15个工作日；不填按审核研判（proposal）",
    )
    co_unit_ids: list[int] = Field(default_factory=list)
    note: str = ""
    version: int | None = Field(None, description="读取时的版本号（可选）；他人已修改时返回 409 conflict")


@router.post("/mayor/{int:ticket_id}/dispatch", response=answers(ReviewOut, ERRORS), summary="交办")
def mayor_dispatch(request: AuthedHttpRequest, ticket_id: int, body: MayorDispatchIn) -> Any:
    actions.do_mayor_dispatch(acting_user=request.user, ticket_id=ticket_id, **body.dict())
    return _review(MayorReview.objects.select_related("ticket").get(ticket_id=ticket_id))
