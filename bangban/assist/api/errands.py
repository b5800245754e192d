"""`/api/v1/assist/errands`: 代办 as tracked work — accept, start, steps, materials, the enterprise's
confirmation (or a signed paper one), termination. Each move answers the 代办 as it now is."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Schema, Status

from bangban.core.answers import answers
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import Page, PageQuery, page_body

from .. import actions, queries, workflow
from ..access import access_errand
from ..models import Errand
from ._common import CLOSED, CONFIRM, ERRAND_OPEN, MOMENT, MOVE, router, text_codes


class AssistStepOut(Schema):
    text: str = Field(description="办理情况")
    at: dt.datetime = Field(description="时间")
    by: str = Field(description="记录人")


class AssistMaterialOut(Schema):
    id: int = Field(description="材料交接ID")
    name: str = Field(description="材料名称")
    count: int = Field(description="份数")
    handed_at: dt.datetime = Field(description="交接时间")
    returned_at: dt.datetime | None = Field(description="退还时间；空为未退还")


class AssistErrandOut(Schema):
    id: int = Field(description="代办ID")
    number: str = Field(description="代办编号")
    site_id: int = Field(description="站点ID")
    site_name: str = Field(description="站点")
    officer: str = Field(description="代办员")
    record_id: int | None = Field(description="来源服务记录ID")
    enterprise_id: int | None = Field(description="企业ID")
    enterprise_name: str = Field(description="企业名称")
    matter: str = Field(description="代办事项")
    status: str = Field(
        description="状态：accepted 受理 / in_progress 办理中 / awaiting 待企业确认 / done 办结 / terminated 终止"
    )
    opened_at: dt.datetime = Field(description="受理时间")
    due_on: dt.date = Field(description="承诺办结日期")
    closed_at: dt.datetime | None = Field(description="办结或终止时间")
    confirmation: str = Field(description="企业确认方式：online 企业在线确认 / paper 纸质签字确认")
    confirm_note: str = Field(description="确认说明")
    end_reason: str = Field(description="终止原因")
    allowed: list[str] = Field(description="当前状态可执行的操作")
    steps: list[AssistStepOut] = Field(description="办理步骤")
    materials: list[AssistMaterialOut] = Field(description="材料交接")
    version: int = Field(description="版本号；变更状态时原样提交")


class AssistErrandQuery(PageQuery):
    q: str | None = Field(None, max_length=100, description="编号、企业或事项包含")
    site: str | None = Field(None, max_length=9, description="站点ID")
    status: str | None = Field(None, max_length=12, description="状态")


class AssistErrandIn(Schema):
    record_id: int | None = Field(None, description="来源服务记录ID：站点、企业、事项取自该记录")
    site_id: int | None = Field(None, description="站点ID（无来源记录时必填）")
    enterprise_id: int | None = Field(None, description="已登记企业的ID")
    enterprise_name: str = Field("", description="未登记企业的名称")
    matter: str = Field("", description="代办事项；有来源记录时可空（沿用记录的事项）")
    due_on: dt.date = Field(description="承诺办结日期，不早于今天")


class AssistVersionIn(Schema):
    version: int | None = Field(None, description="读取时的版本号（可选）；他人已修改时返回 409 conflict")


class AssistStepIn(Schema):
    text: str = Field(description="办理情况，必填，不超过 500 字")


class AssistMaterialIn(Schema):
    name: str = Field(description="材料名称，必填")
    count: int = Field(description="份数，1–999")
    handed_at: dt.datetime | None = Field(None, description="交接时间，不填为现在")


class AssistReturnIn(Schema):
    returned_at: dt.datetime | None = Field(None, description="退还时间，不填为现在；不早于交接时间")


class AssistNoteIn(AssistVersionIn):
    note: str = Field("", description="说明，不超过 500 字")


class AssistCloseIn(AssistVersionIn):
    paper_signed: bool = Field(False, description="企业已在纸质确认单上签字（企业未在线确认时必须）")
    note: str = Field("", description="为何以纸质确认（必填），不超过 500 字")


class AssistTerminateIn(AssistVersionIn):
    reason: str = Field(description="终止原因，必填，不超过 500 字")


def errand_out(e: Errand) -> dict[str, Any]:
    return {
        "id": e.pk, "number": e.number, "site_id": e.site_id, "site_name": e.site.name,
        "officer": e.officer.display_name, "record_id": e.record_id, "enterprise_id": e.enterprise_id,
        "enterprise_name": e.enterprise_name, "matter": e.matter, "status": e.status, "opened_at": e.opened_at,
        "due_on": e.due_on, "closed_at": e.closed_at, "confirmation": e.confirmation,
        "confirm_note": e.confirm_note, "end_reason": e.end_reason,
        "allowed": workflow.ERRAND.allowed_actions(e.status),
        "steps": [
            {"text": s.text, "at": s.at, "by": s.by.display_name if s.by else ""}
            for s in e.steps.select_related("by")
        ],
        "materials": [
            {"id": m.pk, "name": m.name, "count": m.count, "handed_at": m.handed_at, "returned_at": m.returned_at}
            for m in e.handovers.all()
        ],
        "version": e.version,
    }  # fmt: skip


def _fresh(request: HttpRequest, errand_id: int) -> dict[str, Any]:
    return errand_out(access_errand(request.user, errand_id))


@router.get(
    "/errands", response=answers(Page[AssistErrandOut], "invalid_site", "invalid_status"), summary="代办"
)
def list_errands(request: HttpRequest, query: Query[AssistErrandQuery]) -> Any:
    params = {k: v or "" for k, v in query.dict(exclude={"page", "size"}).items()}
    return page_body(queries.errands(request.user, params), query, out=errand_out)


@router.post(
    "/errands", response=answers({201: AssistErrandOut}, ERRAND_OPEN), summary="受理代办（帮办代办员）"
)
def open_errand(request: AuthedHttpRequest, payload: AssistErrandIn) -> Any:
    errand = actions.do_open_errand(
        acting_user=request.user, data=actions.ErrandInput(**payload.dict()), now=timezone.now()
    )
    return Status(201, _fresh(request, errand.pk))


@router.get("/errands/{errand_id}", response=answers(AssistErrandOut), summary="代办详情")
def get_errand(request: HttpRequest, errand_id: int) -> Any:
    return _fresh(request, errand_id)


@router.post("/errands/{errand_id}/start", response=answers(AssistErrandOut, MOVE), summary="开始办理")
def start_errand(request: AuthedHttpRequest, errand_id: int, payload: AssistVersionIn) -> Any:
    actions.do_start_errand(acting_user=request.user, errand_id=errand_id, expected_version=payload.version)
    return _fresh(request, errand_id)


@router.post(
    "/errands/{errand_id}/steps",
    response=answers(AssistErrandOut, text_codes("text", required=("text",)), CLOSED),
    summary="记录办理步骤",
)
def log_step(request: AuthedHttpRequest, errand_id: int, payload: AssistStepIn) -> Any:
    actions.do_log_step(
        acting_user=request.user, errand_id=errand_id, content=payload.text, now=timezone.now()
    )
    return _fresh(request, errand_id)


@router.post(
    "/errands/{errand_id}/materials",
    response=answers(
        AssistErrandOut,
        text_codes("name", required=("name",)),
        "invalid_count",
        "invalid_handed_at",
        MOMENT,
        CLOSED,
    ),
    summary="登记材料交接",
)
def add_material(request: AuthedHttpRequest, errand_id: int, payload: AssistMaterialIn) -> Any:
    actions.do_add_material(
        acting_user=request.user, errand_id=errand_id, name=payload.name, count=payload.count,
        handed_at=payload.handed_at, now=timezone.now(),
    )  # fmt: skip
    return _fresh(request, errand_id)


@router.post(
    "/errands/{errand_id}/materials/{material_id}/return",
    response=answers(
        AssistErrandOut, MOMENT, "invalid_returned_at", "return_before_handover", (409, "already_returned")
    ),
    summary="登记材料退还",
)
def return_material(
    request: AuthedHttpRequest, errand_id: int, material_id: int, payload: AssistReturnIn
) -> Any:
    actions.do_return_material(
        acting_user=request.user, errand_id=errand_id, handover_id=material_id, returned_at=payload.returned_at,
        now=timezone.now(),
    )  # fmt: skip
    return _fresh(request, errand_id)


@router.post(
    "/errands/{errand_id}/request-confirmation",
    response=answers(AssistErrandOut, MOVE),
    summary="提请企业确认",
)
def request_confirmation(request: AuthedHttpRequest, errand_id: int, payload: AssistVersionIn) -> Any:
    actions.do_request_confirmation(
        acting_user=request.user, errand_id=errand_id, expected_version=payload.version
    )
    return _fresh(request, errand_id)


@router.post(
    "/errands/{errand_id}/confirm",
    response=answers(AssistErrandOut, MOVE, CONFIRM, "note_too_long"),
    summary="企业确认办结（该企业的用户）",
)
def confirm_errand(request: AuthedHttpRequest, errand_id: int, payload: AssistNoteIn) -> Any:
    actions.do_confirm_errand(
        acting_user=request.user, errand_id=errand_id, note=payload.note, expected_version=payload.version,
        now=timezone.now(),
    )  # fmt: skip
    return _fresh(request, errand_id)


@router.post(
    "/errands/{errand_id}/send-back",
    response=answers(AssistErrandOut, MOVE, "note_required", "note_too_long"),
    summary="企业退回（未办好，说明原因）",
)
def send_back(request: AuthedHttpRequest, errand_id: int, payload: AssistNoteIn) -> Any:
    actions.do_send_back(
        acting_user=request.user, errand_id=errand_id, note=payload.note, expected_version=payload.version,
        now=timezone.now(),
    )  # fmt: skip
    return _fresh(request, errand_id)


@router.post(
    "/errands/{errand_id}/close",
    response=answers(AssistErrandOut, MOVE, CONFIRM, "note_required", "note_too_long"),
    summary="凭企业纸质签字确认办结（帮办代办员）",
    description="企业未在线确认时，须登记企业已在纸质确认单上签字（paper_signed）并说明原因；否则 409 confirmation_required。",
)
def close_errand(request: AuthedHttpRequest, errand_id: int, payload: AssistCloseIn) -> Any:
    actions.do_close_errand(
        acting_user=request.user, errand_id=errand_id, paper_signed=payload.paper_signed, note=payload.note,
        expected_version=payload.version, now=timezone.now(),
    )  # fmt: skip
    return _fresh(request, errand_id)


@router.post(
    "/errands/{errand_id}/terminate",
    response=answers(AssistErrandOut, MOVE, "reason_required", "reason_too_long"),
    summary="终止代办（说明原因）",
)
def terminate_errand(request: AuthedHttpRequest, errand_id: int, payload: AssistTerminateIn) -> Any:
    actions.do_terminate_errand(
        acting_user=request.user, errand_id=errand_id, reason=payload.reason, expected_version=payload.version,
        now=timezone.now(),
    )  # fmt: skip
    return _fresh(request, errand_id)
