"""`POST /api/v1/cases` (file a case) and `POST /api/v1/cases/{id}/attachments`.

Any role files in its own channel (an enterprise user: `portal`; integrations: `api`; see
`intake.API_CHANNEL_ROLES`). Send an idempotency key — the `Idempotency-Key` header or the body
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
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile

from . import intake
from .access import access_ticket
from .api_work import CaseOut, case_out
from .api_work import router as work_router
from .models import Ticket, TicketType, Urgency

router = Router(tags=["诉求办理"])


class IntakeErrorOut(Schema):
    code: str = Field(description="稳定的机器可读错误码")
    message: str = Field(description="中文错误说明")
    details: Any = Field(None, description="补充信息：fields 为各字段的错误说明，codes 为各字段的错误码")


class CaseIn(Schema):
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
    channel: str | None = Field(
        None, description="来源渠道；不填时企业用户为 portal，其他为 api。须是调用者角色可用的渠道"
    )
    intake_mode: str | None = Field(
        None, description="受理方式：online / counter / phone / mailbox / visit / system；不填按渠道默认"
    )
    enterprise_id: int | None = Field(
        None, description="企业ID（须在调用者的服务范围内；企业用户不填即本企业）"
    )
    enterprise_uscc: str = Field("", description="统一社会信用代码；企业库中有则自动关联")
    enterprise_name: str = Field("", description="未登记企业的名称")
    region: str = Field("", description="问题所在区划代码；不填为企业所在区划")
    contact_name: str = Field("", description="联系人")
    contact_phone: str = Field("", description="联系电话（11位手机或固定电话）")
    idempotency_key: str | None = Field(
        None, description="幂等键（也可用请求头 Idempotency-Key），80个字符以内"
    )


class AttachmentOut(Schema):
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


def create_case(request: HttpRequest, payload: CaseIn, response: HttpResponse) -> Any:
    data = intake.IntakeInput(
        title=payload.title,
        content=payload.content,
        category_code=payload.category or "",
        type=payload.type,
        urgency=payload.urgency,
        multi_unit=payload.multi_unit,
        enterprise_id=payload.enterprise_id,
        enterprise_uscc=payload.enterprise_uscc,
        enterprise_name=payload.enterprise_name,
        region_code=payload.region,
        contact_name=payload.contact_name,
        contact_phone=payload.contact_phone,
    )
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
    response={200: CaseOut, 201: CaseOut, 400: IntakeErrorOut, 403: IntakeErrorOut, 409: IntakeErrorOut},
    summary="登记诉求",
    description=(__doc__ or "").split("\n\n", 1)[1],
    operation_id="create_case",
)


@router.post(
    "/{int:ticket_id}/attachments",
    response={201: list[AttachmentOut], 400: IntakeErrorOut, 403: IntakeErrorOut, 404: IntakeErrorOut},
    summary="补充附件",
    description="multipart/form-data，字段名 files（可多个）。按文件内容识别类型：图片（JPG/PNG/GIF/WebP）、"
    "PDF、Word（.docx）、Excel（.xlsx）；单个不超过10MB，每件诉求最多5个。扩展名或声明类型与内容不符返回 "
    "400 attachment_type_mismatch；超过大小 attachment_too_large；类型不允许 attachment_type_not_allowed。",
)
def add_attachments(request: HttpRequest, ticket_id: int, files: File[list[UploadedFile]]) -> Any:
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
