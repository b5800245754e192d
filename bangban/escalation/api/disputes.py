"""`/escalation/disputes`: raising and deciding disputes (R6.2)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Schema, Status

from bangban.core.answers import answers
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import Page, PageNumber, PageSize, page_body

from .. import access, actions
from ..models import Dispute
from ._common import ERRORS, router


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
def raise_dispute(request: AuthedHttpRequest, ticket_id: int, body: EscalationReasonIn) -> Any:
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
def decide(request: AuthedHttpRequest, dispute_id: int, body: EscalationDecideIn) -> Any:
    return _dispute(actions.do_decide_dispute(acting_user=request.user, dispute_id=dispute_id, **body.dict()))
