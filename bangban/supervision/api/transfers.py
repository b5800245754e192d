"""`/supervision/transfers`: 移送纪委监委 (R15.2) — hand an accountability record over (营商办,
作风办), read the hand-overs (the senders all; a 纪委监委 reader those addressed to its unit, with
the record and its cases), sign for one and record its outcome (the addressed 纪委监委 only)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Schema, Status

from bangban.core.answers import answers
from bangban.core.errors import Conflict, InvalidTransition, NotFound
from bangban.core.pagination import Page, PageNumber, PageSize, page_body

from .. import access, actions, handovers
from ..models import DisciplineTransfer
from ._common import router

TRANSFER_ERRORS: list[Any] = [
    "transfer_invalid", "transfer_exists", InvalidTransition, Conflict,
    (409, "transfer_already_received"), (409, "transfer_not_received"),
]  # fmt: skip


class HandoverOut(Schema):
    id: int
    record_id: int
    record_kind: str = Field(description="问责类型（约谈 / 责令检查 / 通报批评 / 移交纪委监委）")
    unit_name: str = Field(description="问责单位")
    person_name: str
    addressee_id: int
    addressee_name: str = Field(description="接收的纪委监委机关")
    transferred_on: dt.date = Field(description="移送日期")
    materials: str = Field(description="移送材料")
    transferred_by: str = Field(description="移送人")
    status: str = Field(description="sent 已移送 / received 已接收 / concluded 已反馈处理结果")
    received_by: str
    received_at: Any
    receipt_note: str
    outcome: str = Field(description="处理结果")
    outcome_at: Any
    version: int = Field(description="版本号；确认接收、反馈结果时原样提交")


class HandoverCaseOut(Schema):
    id: int
    number: str
    title: str
    lead_unit: str
    status: str
    received_at: Any
    closed_at: Any


class HandoverDetail(HandoverOut):
    record: dict[str, Any] = Field(description="问责记录：kind、status、year、month、reason、figures")
    cases: list[HandoverCaseOut] = Field(description="问责记录涉及的诉求（至多 200 件）")


class HandoverIn(Schema):
    addressee_id: int = Field(description="接收的纪委监委机关（单位）")
    transferred_on: str = Field(description="移送日期 YYYY-MM-DD")
    materials: str = Field(description="移送材料")


class HandoverReceiveIn(Schema):
    note: str = ""
    version: int | None = Field(None, description="读取时的版本号（可选）")


class HandoverOutcomeIn(Schema):
    outcome: str = Field(description="处理结果")
    version: int | None = Field(None, description="读取时的版本号（可选）")


def _transfer(t: DisciplineTransfer) -> dict[str, Any]:
    return {
        "id": t.pk,
        "record_id": t.record_id,
        "record_kind": t.record.get_kind_display(),
        "unit_name": t.record.unit.name,
        "person_name": t.record.person_name,
        "addressee_id": t.addressee_id,
        "addressee_name": t.addressee.name,
        "transferred_on": t.transferred_on,
        "materials": t.materials,
        "transferred_by": t.transferred_by.full_name,
        "status": t.status,
        "received_by": t.received_by.full_name if t.received_by else "",
        "received_at": t.received_at,
        "receipt_note": t.receipt_note,
        "outcome": t.outcome,
        "outcome_at": t.outcome_at,
        "version": t.version,
    }


def _detail(t: DisciplineTransfer) -> dict[str, Any]:
    rec = t.record
    cases = handovers.transfer_cases(t)[:200]
    return {
        **_transfer(t),
        "record": {
            "kind": rec.kind,
            "status": rec.status,
            "year": rec.year,
            "month": rec.month,
            "reason": rec.reason,
            "figures": rec.figures,
        },
        "cases": [
            {
                "id": c.pk,
                "number": c.number,
                "title": c.title,
                "lead_unit": c.lead_unit.name if c.lead_unit else "",
                "status": c.get_status_display(),
                "received_at": c.received_at,
                "closed_at": c.closed_at,
            }
            for c in cases
        ],
    }


@router.get("/transfers", response=answers(Page[HandoverOut]), summary="移送纪委监委事项")
def list_transfers(request: HttpRequest, page: PageNumber = 1, size: PageSize = 20, status: str = "") -> Any:
    if not access.can_see_transfers(request.user):
        raise NotFound()
    qs = access.visible_transfers(request.user)
    if status:
        qs = qs.filter(status=status)
    return page_body(qs, page, size, _transfer)


@router.post(
    "/accountability/{record_id}/transfer",
    response=answers({201: HandoverDetail}, TRANSFER_ERRORS),
    summary="移送纪委监委（营商办、作风办）",
)
def transfer_record(request: HttpRequest, record_id: int, payload: HandoverIn) -> Any:
    t = actions.do_transfer_record(
        request.user,
        record_id,
        addressee_id=payload.addressee_id,
        transferred_on=payload.transferred_on,
        materials=payload.materials,
        now=timezone.now(),
    )
    return Status(201, _detail(access.access_transfer(request.user, t.pk)))


@router.get(
    "/transfers/{transfer_id}", response=answers(HandoverDetail), summary="移送事项（含问责记录和诉求）"
)
def get_transfer(request: HttpRequest, transfer_id: int) -> Any:
    return _detail(access.access_transfer(request.user, transfer_id))


@router.post(
    "/transfers/{transfer_id}/receive",
    response=answers(HandoverDetail, TRANSFER_ERRORS),
    summary="纪委监委确认接收",
)
def receive_transfer(request: HttpRequest, transfer_id: int, payload: HandoverReceiveIn) -> Any:
    t = actions.do_receive_transfer(
        request.user, transfer_id, note=payload.note, version=payload.version, now=timezone.now()
    )
    return _detail(access.access_transfer(request.user, t.pk))


@router.post(
    "/transfers/{transfer_id}/outcome",
    response=answers(HandoverDetail, TRANSFER_ERRORS),
    summary="纪委监委反馈处理结果",
)
def transfer_outcome(request: HttpRequest, transfer_id: int, payload: HandoverOutcomeIn) -> Any:
    t = actions.do_record_transfer_outcome(
        request.user, transfer_id, outcome=payload.outcome, version=payload.version, now=timezone.now()
    )
    return _detail(access.access_transfer(request.user, t.pk))
