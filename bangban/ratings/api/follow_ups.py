"""`/ratings/follow-ups`, `/rechecks`: 回访 calls and SMS links, and the 回头看 draws (R6.3)."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Schema, Status

from bangban.core.answers import answers
from bangban.core.errors import InvalidTransition, NotFound
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import Page, PageQuery, page_body
from bangban.core.schemas import MonthField, YearField

from .. import access, actions, recheck
from ..models import RecheckDraw
from ._common import FOLLOW_UP, router


class CallIn(Schema):
    ticket_id: int = Field(description="诉求ID")
    outcome: Literal["connected", "no_answer", "refused", "wrong_number"] = Field(description="呼叫结果")
    resolved: bool | None = Field(None, description="问题是否解决（接通时必填）")
    satisfaction: int | None = Field(None, description="满意度 1–5（GB/T 39046，接通时必填）")
    comment: str = Field("", description="回访记录")


@router.post("/follow-ups/calls", response=answers({201: dict}, FOLLOW_UP),
             summary="登记电话回访（未解决或不满意时重办，达到上限时标记督办）")  # fmt: skip
def record_call(request: AuthedHttpRequest, payload: CallIn) -> Any:
    call = actions.do_record_call(acting_user=request.user, ticket_id=payload.ticket_id, outcome=payload.outcome,
                                  resolved=payload.resolved, satisfaction=payload.satisfaction, comment=payload.comment)  # fmt: skip
    return Status(
        201, {"id": call.pk, "reopened": call.reopened, "escalation_flagged": call.escalation_flagged}
    )


class SmsLinkIn(Schema):
    ticket_id: int = Field(description="诉求ID")
    purpose: Literal["rate", "followup"] = Field("followup", description="rate 评价 / followup 回访")


@router.post("/follow-ups/sms-links", response=answers({201: dict}, FOLLOW_UP),
             summary="向诉求联系电话发送短信评价/回访链接（链接只发给联系人，不在响应中返回）",
             description="热线坐席、派单员或营商办发送；承办该诉求的单位人员不能发送（403 own_unit_case）。")  # fmt: skip
def send_sms_link(request: AuthedHttpRequest, payload: SmsLinkIn) -> Any:
    actions.do_send_sms_link(acting_user=request.user, ticket_id=payload.ticket_id, purpose=payload.purpose)
    return Status(201, {"sent": True, "purpose": payload.purpose,
                        "valid_days": actions.get_settings().sms_link_days})  # fmt: skip


# --- recheck ---------------------------------------------------------------------------------------------


def draw_out(d: RecheckDraw) -> dict[str, Any]:
    return {"id": d.pk, "year": d.year, "month": d.month, "seed": d.seed, "percent": d.percent,
            "minimum": d.minimum, "population_count": d.population_count,
            "population_digest": d.population_digest, "sample_ids": d.sample_ids, "drawn_at": d.drawn_at}  # fmt: skip


def _require_recheck(user: Any) -> None:
    if not access.has_any_role(user, access.RECHECK_ROLES | {"auditor"}):
        raise NotFound()


class DrawIn(Schema):
    year: YearField
    month: MonthField
    seed: int | None = Field(None, description="随机种子（省略则随机生成并存档）")


@router.post(
    "/rechecks",
    response=answers({201: dict}, "month_invalid", "month_in_future", (409, "draw_exists")),
    summary="抽取某月回头看样本",
)
def draw(request: AuthedHttpRequest, payload: DrawIn) -> Any:
    return Status(
        201,
        draw_out(
            recheck.do_draw(
                acting_user=request.user, year=payload.year, month=payload.month, seed=payload.seed
            )
        ),
    )


@router.get("/rechecks", response=answers(Page[dict[str, Any]]), summary="回头看抽样列表（分页）")
def list_draws(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    _require_recheck(request.user)
    return page_body(RecheckDraw.objects.all(), query, out=draw_out)


@router.get("/rechecks/{draw_id}/rederive", response=answers(dict), summary="重新推导并核对抽样")
def rederive(request: HttpRequest, draw_id: int) -> dict[str, Any]:
    _require_recheck(request.user)
    found = RecheckDraw.objects.filter(pk=draw_id).first()
    if found is None:
        raise NotFound()
    result = recheck.rederive(found)
    return {"ok": result.ok, "sample_ok": result.sample_ok, "stored_population_ok": result.stored_population_ok,
            "current_population_same": result.current_population_same, "lines": result.lines}  # fmt: skip


class OutcomeIn(Schema):
    outcome: Literal["confirmed", "not_solved", "unreachable"] = Field(
        description="办结属实 / 办结不实 / 无法联系"
    )
    note: str = Field("", description="复核情况（办结不实必填）")


@router.post(
    "/rechecks/{draw_id}/cases/{ticket_id}/outcome",
    response=answers(
        dict,
        "outcome_invalid",
        "note_required",
        "too_long",
        (404, "not_in_sample"),
        (409, "outcome_recorded"),
        InvalidTransition,
    ),
    summary="登记回头看复核结果（办结不实则重办并计入责任单位）",
)
def outcome(request: AuthedHttpRequest, draw_id: int, ticket_id: int, payload: OutcomeIn) -> dict[str, Any]:
    item = recheck.do_record_outcome(
        acting_user=request.user,
        draw_id=draw_id,
        ticket_id=ticket_id,
        outcome=payload.outcome,
        note=payload.note,
    )
    return {"id": item.pk, "ticket_id": item.ticket_id, "unit_id": item.unit_id, "outcome": item.outcome}
