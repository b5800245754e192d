"""`POST /api/v1/cases/{id}/contact/reveal`: the full contact phone of a case, for the staff who
may see it, each call recorded in the audit log (the API's 「查看完整号码」)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Schema

from bangban.core.answers import answers

from ..contact import do_reveal_contact
from ._common import router


class ContactRevealOut(Schema):
    contact_phone: str = Field(description="完整联系电话（本次查看已记入审计日志）")


@router.post(
    "/{int:ticket_id}/contact/reveal",
    response=answers(
        ContactRevealOut,
        "phone_missing",
        (403, "reveal_not_allowed"),
        (403, "complainant_protected"),
    ),
    summary="查看诉求完整联系电话",
    description="能查看该诉求的工作人员取得完整联系电话；每次查看记入审计日志。企业用户 403，范围外的诉求 404。",
)
def reveal_contact(request: HttpRequest, ticket_id: int) -> Any:
    return {"contact_phone": do_reveal_contact(acting_user=request.user, ticket_id=ticket_id)}
