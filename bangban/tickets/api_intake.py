"""`POST /api/v1/cases` (file a case) and `POST /api/v1/cases/{id}/attachments`.

Any role files in its own channel (an enterprise user: `portal`; integrations: `api`; see
`intake.API_POLICIES`). Send an idempotency key — the `Idempotency-Key` header or the body
field `idempotency_key` — and the same submission twice makes one case: the second call answers
200 with the existing case and the header `Idempotent-Replay: true`; the same key with different
content is 409 `idempotency_conflict`. Keys are private to the caller.

Validation problems are 400 with the code of the first problem (`title_required`,
`content_too_long`, `invalid_phone`, `unknown_category`, `enterprise_out_of_scope`,
`attachment_type_mismatch` …) and every field's message in `details.fields`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, File, Schema, Status
from ninja.files import UploadedFile

from bangban.core.answers import Router, answers
from bangban.core.errors import Conflict
from bangban.core.http import AuthedHttpRequest

from . import intake
from .access import access_ticket
from .api_work import CaseItemOut, case_out
from .api_work import router as work_router
from .intake import MAX_BATCH, BatchItem, BatchOutcome, do_intake_batch
from .models import Ticket, TicketType, Urgency

router = Router(tags=["诉求办理"])


# The codes of a refused case (`intake.py`): the first problem's code, every field's in `details`.
INTAKE_ERRORS = [
    *("title_required", "title_too_long", "content_required", "content_too_long", "contact_name_too_long",
      "enterprise_name_too_long", "invalid_phone", "unknown_category", "category_invalid", "unknown_region",
      "enterprise_out_of_scope", "invalid_channel", "invalid_intake_mode", "invalid_idempotency_key",
      "urgency_invalid", "contact_name_required", "enterprise_required", "enterprise_name_required",
      "phone_required", "category_required", "validation_error"),
    (403, "channel_not_allowed"),
    (409, "idempotency_conflict"),
]  # fmt: skip
ATTACHMENT_ERRORS = [
    "attachment_missing", "attachment_too_large", "attachment_too_many", "attachment_type_mismatch",
    "attachment_type_not_allowed", "file_too_large",
]  # fmt: skip


class CaseContentIn(Schema):
    title: str = Field("", description="标题（必填，120字以内）")
    content: str = Field("", description="诉求内容（必填，5000字以内）")
    category: str | None = Field(
        None, description="诉求分类编码，如 010101（见 GET /cases/settings/categories）"
    )
    type: str = Field(
        TicketType.HELP, description="诉求类型：consult / complaint / suggestion / help / report"
    )
    urgency: str = Field(Urgency.GENERAL, description="紧急程度：urgent / general / complex")
    multi_unit: bool = Field(False, description="涉及多个部门")
    enterprise_id: int | None = Field(
        None, description="企业ID（须在调用者的服务范围内；企业用户不填即本企业）"
    )
    enterprise_uscc: str = Field("", description="统一社会信用代码；企业库中有则自动关联")
    enterprise_name: str = Field("", description="未登记企业的名称")
    region: str = Field("", description="问题所在区划代码；不填为企业所在区划")
    contact_name: str = Field("", description="联系人")
    contact_phone: str = Field("", description="联系电话（11位手机或固定电话）")
    idempotency_key: str | None = Field(
        None, description="幂等键（单件登记也可用请求头 Idempotency-Key），80个字符以内"
    )

    def intake_input(self) -> intake.IntakeInput:
        return intake.IntakeInput(
            title=self.title,
            content=self.content,
            category_code=self.category or "",
            type=self.type,
            urgency=self.urgency,
            multi_unit=self.multi_unit,
            enterprise_id=self.enterprise_id,
            enterprise_uscc=self.enterprise_uscc,
            enterprise_name=self.enterprise_name,
            region_code=self.region,
            contact_name=self.contact_name,
            contact_phone=self.contact_phone,
        )


class CaseIn(CaseContentIn):
    channel: str | None = Field(
        None, description="来源渠道；不填时企业用户为 portal，其他为 api。须是调用者角色可用的渠道"
    )
    intake_mode: str | None = Field(
        None, description="受理方式：online / counter / phone / mailbox / visit / system；不填按渠道默认"
    )


class BatchIn(Schema):
    channel: str | None = Field(
        None, description="本批诉求的来源渠道；不填时企业用户为 portal，其他为 api。须是调用者角色可用的渠道"
    )
    intake_mode: str | None = Field(None, description="受理方式；不填按渠道默认")
    cases: list[CaseContentIn] = Field(description=f"诉求，每批最多 {MAX_BATCH} 件")


class IntakeBatchItemOut(Schema):
    index: int = Field(description="在 cases 中的位置（从 0 起）")
    status: str = Field(description="created 已登记 / replayed 幂等重放（未重复登记） / rejected 未通过校验")
    id: int | None = Field(None, description="诉求ID")
    number: str | None = Field(None, description="诉求编号")
    is_repeat: bool | None = Field(None, description="是否识别为重复反映")
    duplicate_of: str | None = Field(None, description="所重复的诉求编号")
    code: str | None = Field(None, description="未通过时的错误码")
    message: str | None = Field(None, description="未通过时的中文说明")
    details: Any = Field(None, description="未通过时各字段的说明")


class IntakeBatchOut(Schema):
    created: int = Field(description="新登记件数")
    replayed: int = Field(description="幂等重放件数")
    rejected: int = Field(description="未通过件数")
    results: list[IntakeBatchItemOut] = Field(description="逐件结果，与提交顺序一致")


class IntakeAttachmentOut(Schema):
    id: int = Field(description="附件ID")
    name: str = Field(description="文件名")
    content_type: str = Field(description="文件类型（按内容识别）")
    size: int = Field(description="大小（字节）")
    sha256: str = Field(description="SHA-256")
    uploaded_at: dt.datetime = Field(description="上传时间")


def _case(request: HttpRequest, ticket: Ticket) -> dict[str, Any]:
    ticket = Ticket.objects.select_related(
        "category", "enterprise", "region", "lead_unit", "handler", "duplicate_of", "merged_into"
    ).get(pk=ticket.pk)
    return case_out(request.user, ticket, timezone.now())


def create_case(request: AuthedHttpRequest, payload: CaseIn, response: HttpResponse) -> Any:
    data = payload.intake_input()
    result = intake.do_intake_api(
        acting_user=request.user,
        data=data,
        channel=payload.channel,
        intake_mode=payload.intake_mode,
        idempotency_key=request.headers.get("Idempotency-Key") or payload.idempotency_key,
    )
    if result.replayed:
        response["Idempotent-Replay"] = "true"
        return Status(200, _case(request, result.ticket))
    response["Location"] = f"/api/v1/cases/{result.ticket.pk}"
    # The new case's relations are the objects intake loaded: no second read.
    return Status(201, case_out(request.user, result.ticket, timezone.now()))


# `POST /cases` shares its path with `GET /cases` (the list, in api_work): one path can only be
# served by one router in Django Ninja, so the operation is registered on that router.
work_router.add_api_operation(
    "",
    ["POST"],
    create_case,
    response=answers({200: CaseItemOut, 201: CaseItemOut}, INTAKE_ERRORS),
    summary="登记诉求",
    description=(__doc__ or "").split("\n\n", 1)[1],
    operation_id="create_case",
)


@router.post(
    "/{int:ticket_id}/attachments",
    response=answers({201: list[IntakeAttachmentOut]}, ATTACHMENT_ERRORS, Conflict),
    summary="补充附件",
    description="multipart/form-data，字段名 files（可多个）。按文件内容识别类型：图片（JPG/PNG/GIF/WebP）、"
    "PDF、Word（.docx）、Excel（.xlsx）；单个不超过10MB，每件诉求最多5个。扩展名或声明类型与内容不符返回 "
    "400 attachment_type_mismatch；超过大小 attachment_too_large；类型不允许 attachment_type_not_allowed。",
)
def add_attachments(request: AuthedHttpRequest, ticket_id: int, files: File[list[UploadedFile]]) -> Any:
    access_ticket(request.user, ticket_id)
    stored = intake.do_add_attachments(acting_user=request.user, ticket_id=ticket_id, attachments=files)
    return Status(
        201,
        [
            {
                "id": a.pk,
                "name": a.original_name,
                "content_type": a.content_type,
                "size": a.size,
                "sha256": a.sha256,
                "uploaded_at": a.uploaded_at,
            }
            for a in stored
        ],
    )


def _batch_item(outcome: BatchOutcome) -> dict[str, Any]:
    ticket, error = outcome.ticket, outcome.error
    item: dict[str, Any] = {"index": outcome.index, "status": outcome.status}
    if ticket is not None:
        original = ticket.duplicate_of
        item.update(
            id=ticket.pk,
            number=ticket.number,
            is_repeat=ticket.is_repeat,
            duplicate_of=original.number if original is not None else None,
        )
    if error is not None:
        item.update(code=error.code, message=error.message, details=error.details or None)
    return item


@router.post(
    "/batch",
    response=answers(IntakeBatchOut, "batch_empty", "batch_too_large", INTAKE_ERRORS),
    summary="批量登记诉求",
    description=(
        f"一次提交最多 {MAX_BATCH} 件诉求（供 12345 平台等外部系统对接）。每件的校验、编号、推荐承办单位、"
        "重复反映识别、时间线、审计和派单员提醒与单件登记相同。各件相互独立：未通过校验的件返回各自的错误码，"
        "不影响其他件；通过的件在同一事务内登记。每件可带 idempotency_key：同一批再次提交时，带键的件返回 "
        "replayed 和原诉求，不会重复登记；同一键内容不同为 idempotency_conflict。整批为空（batch_empty）、"
        "超过上限（batch_too_large）或渠道不可用（channel_not_allowed）时整批不受理。"
    ),
)
def create_cases_batch(request: AuthedHttpRequest, payload: BatchIn) -> Any:
    outcomes = do_intake_batch(
        acting_user=request.user,
        items=[BatchItem(c.intake_input(), c.idempotency_key) for c in payload.cases],
        channel=payload.channel,
        intake_mode=payload.intake_mode,
    )
    results = [_batch_item(o) for o in outcomes]
    return {
        "created": sum(1 for o in outcomes if o.status == "created"),
        "replayed": sum(1 for o in outcomes if o.status == "replayed"),
        "rejected": sum(1 for o in outcomes if o.status == "rejected"),
        "results": results,
    }
