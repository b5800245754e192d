"""`/escalation/supervision`, `/figures`: supervision orders (督办, R14.1) and the escalation figures."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Schema, Status

from bangban.accounts.access import has_any_role
from bangban.accounts.roles import Role
from bangban.core.answers import answers
from bangban.core.errors import PermissionDenied
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import Page, PageNumber, PageSize, page_body
from bangban.core.schemas import Month, Year

from .. import access, actions
from ..figures import unit_month_figures
from ..models import SupervisionOrder
from ._common import ERRORS, router


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
def issue(request: AuthedHttpRequest, body: OrderIn) -> Any:
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
def respond(request: AuthedHttpRequest, order_id: int, body: ResponseIn) -> Any:
    return _order(
        actions.do_respond_order(acting_user=request.user, order_id=order_id, response=body.response)
    )


@router.get("/figures", response=answers(dict[int, dict[str, int]]), summary="各单位月度督办、任务、升级、异议数",
            description="营商办、市政府办公室、作风办、审计员和系统管理员可查。")  # fmt: skip
def figures(request: HttpRequest, year: Year, month: Month) -> Any:

    if not has_any_role(request.user, access.SUPERVISOR_ROLES | {Role.AUDITOR}):
        raise PermissionDenied()
    return unit_month_figures(year, month)
