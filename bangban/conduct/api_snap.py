"""`/api/v1/conduct/snaps`: 随手拍 and the complaint phone (R7.3) — the same actions and scope as the
pages. Without an account: confirm a number by SMS (`phone-code`, `phone-verify`), file a report
(multipart, with photos or a short video), follow it by its tracking code, read the 曝光台. 作风办:
the list, a report, the complaint phone, 核实 → 查处 → 办结 → 曝光. The complainant (name, phone,
enterprise, the files' names) is in the answers only for `COMPLAINANT_READERS`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, File, Form, Query, Schema, Status
from ninja.files import UploadedFile

from bangban.accounts.access import mask_phone
from bangban.audit.actions import record_personal_data_view
from bangban.core.answers import Router, answers
from bangban.core.errors import Conflict, InvalidTransition, NotFound
from bangban.core.http import AuthedHttpRequest
from bangban.core.middleware import client_ip
from bangban.core.pagination import Page, PageQuery, page_body
from bangban.core.throttle import RateLimited
from bangban.tickets.api_intake import ATTACHMENT_ERRORS, INTAKE_ERRORS
from bangban.tickets.intake import do_send_phone_code, do_verify_phone_code
from bangban.tickets.intake.verification import verified
from bangban.tickets.models import Visibility

from . import actions
from .models import ConductComplaint, SnapSource
from .snap_access import (
    access_complaint,
    filter_complaints,
    is_snap_reader,
    published_cases,
    track,
    visible_complaints,
)

router = Router(tags=["作风监督随手拍与投诉电话"])

FILE_ERRORS = ["attachment_type_not_allowed", "attachment_type_mismatch", "attachment_too_large",
               "attachment_too_many", "attachment_empty"]  # fmt: skip
SNAP_ERRORS = [*INTAKE_ERRORS, *ATTACHMENT_ERRORS, *FILE_ERRORS, "invalid_category", "sms_verification_required",
               RateLimited]  # fmt: skip
PHONE_ERRORS = [*INTAKE_ERRORS, "invalid_category", "contact_phone_required", "invalid_source"]
CODE_ERRORS = ["invalid_phone", "privacy_consent_required", RateLimited]
VERIFY_ERRORS = [
    "invalid_phone",
    "sms_code_missing",
    "sms_code_expired",
    "sms_code_locked",
    "sms_code_invalid",
]
MOVE_ERRORS = [Conflict, InvalidTransition]


class SnapPhoneIn(Schema):
    phone: str = Field(description="11位手机号码")
    privacy_notice: str = Field(
        "",
        description="已阅读并同意的《个人信息保护告知》版本（/cases/intake/privacy/ 所示版本号）；不同意不发送验证码",
    )


class SnapPhoneVerifyIn(Schema):
    phone: str = Field(description="11位手机号码")
    code: str = Field(description="短信验证码（6位）")


class SnapVerifiedOut(Schema):
    verification_id: int = Field(description="验证记录ID：提交和查询时与手机号一并提交（30分钟内有效）")
    phone: str = Field(description="已验证的手机号（脱敏）")


class SnapIn(Schema):
    phone: str = Field(description="已通过短信验证的手机号")
    verification_id: int | None = Field(None, description="phone-verify 返回的验证记录ID")
    category: str = Field("", description="breach 违约失信 / buck_passing 相互推诿 / perfunctory 敷衍塞责 / "
                          "policy_discount 惠企政策打折扣")  # fmt: skip
    content: str = Field("", description="具体情况")
    place: str = Field("", description="地点或单位（选填）")
    contact_name: str = Field("", description="称呼（选填）")
    enterprise_name: str = Field("", description="所在企业（选填）")
    idempotency_key: str | None = Field(None, description="幂等键（选填）：同一内容重复提交只受理一次")


class SnapReceiptOut(Schema):
    tracking_code: str = Field(description="查询码（诉求编号）")
    status: str = Field(description="状态")
    status_label: str = Field(description="状态名称")


class SnapTrackQuery(Schema):
    number: str = Field(description="查询码")
    phone: str = Field(description="提交时验证的手机号")
    verification_id: int | None = Field(None, description="本次验证记录ID")


class SnapTrackEventOut(Schema):
    at: dt.datetime
    note: str


class SnapTrackOut(SnapReceiptOut):
    published: bool = Field(description="是否已作为典型案例曝光")
    events: list[SnapTrackEventOut] = Field(description="公开的办理过程")


class SnapBoardOut(Schema):
    id: int
    title: str = Field(description="曝光标题")
    summary: str = Field(description="曝光内容（已隐去个人信息）")
    category: str
    category_label: str
    unit_name: str = Field(description="被曝光单位")
    published_at: dt.datetime | None


class SnapComplainantOut(Schema):
    name: str
    phone: str
    enterprise_name: str


class SnapComplaintOut(Schema):
    id: int
    tracking_code: str
    source: str = Field(description="snap 随手拍 / phone 投诉电话 / other 其他")
    category: str
    category_label: str
    status: str = Field(description="pending 待核实 / verifying 核实中 / investigating 查处中 / "
                        "unfounded 不属实 / founded 属实")  # fmt: skip
    status_label: str
    unit_id: int | None
    unit_name: str
    cited_item_id: int | None
    content: str
    finding: str
    penalty: str
    published: bool
    public_title: str
    public_summary: str
    received_at: dt.datetime
    concluded_at: dt.datetime | None
    complainant: SnapComplainantOut | None = Field(description="投诉人：仅作风办、系统管理员和审计员可见")
    attachments: list[str] = Field(description="附件名称（仅投诉人信息可见者得到原文件名）")
    version: int


class SnapComplaintQuery(PageQuery):
    status: str | None = Field(None, description="状态，或 open 未办结")
    category: str | None = None
    source: str | None = None
    published: str | None = Field(None, description="1：仅已曝光")
    q: str | None = Field(None, description="编号、内容或单位名称包含的文字")


class SnapPhoneComplaintIn(Schema):
    contact_phone: str = Field(description="来电号码")
    contact_name: str = ""
    enterprise_name: str = ""
    category: str = ""
    content: str = ""
    place: str = ""
    source: str = Field(SnapSource.PHONE, description="phone 投诉电话 / other 其他")


class SnapVerifyIn(Schema):
    unit_id: int | None = Field(None, description="被投诉单位ID（选填）")
    item_id: int | None = Field(None, description="涉及的负面清单事项ID（选填）")
    version: int | None = None


class SnapNoteIn(Schema):
    note: str = Field("", description="核实情况（转入查处、不属实时必填）")
    version: int | None = None


class SnapConcludeIn(Schema):
    penalty: str = Field("", description="处理结果")
    version: int | None = None


class SnapPublishIn(Schema):
    title: str = Field("", description="曝光标题")
    summary: str = Field("", description="曝光内容：隐去投诉人、企业、电话等一切个人信息")
    version: int | None = None


def complaint_out(user: Any, c: ConductComplaint) -> dict[str, Any]:
    t = c.ticket
    readers = is_snap_reader(user)
    names = [a.original_name for a in t.attachments.all() if a.reply_id is None]
    return {
        "id": c.pk,
        "tracking_code": t.number,
        "source": c.source,
        "category": c.category,
        "category_label": c.get_category_display(),
        "status": c.status,
        "status_label": c.get_status_display(),
        "unit_id": c.unit_id,
        "unit_name": c.unit.name if c.unit_id and c.unit else "",
        "cited_item_id": c.cited_item_id,
        "content": t.content,
        "finding": c.finding,
        "penalty": c.penalty,
        "published": c.published,
        "public_title": c.public_title,
        "public_summary": c.public_summary,
        "received_at": c.received_at,
        "concluded_at": c.concluded_at,
        "complainant": {
            "name": t.contact_name,
            "phone": t.contact_phone,
            "enterprise_name": t.enterprise_name,
        }
        if readers
        else None,
        "attachments": names if readers else [f"附件{i}" for i, _ in enumerate(names, 1)],
        "version": c.version,
    }


def _receipt(c: ConductComplaint) -> dict[str, Any]:
    return {"tracking_code": c.ticket.number, "status": c.status, "status_label": c.get_status_display()}


@router.post(
    "/snaps/phone-code", auth=None, response=answers({202: dict}, CODE_ERRORS), summary="获取短信验证码"
)
def snap_phone_code(request: HttpRequest, payload: SnapPhoneIn) -> Any:
    do_send_phone_code(phone=payload.phone, privacy_notice=payload.privacy_notice, ip=client_ip(request))
    return Status(202, {"sent": True})


@router.post(
    "/snaps/phone-verify", auth=None, response=answers(SnapVerifiedOut, VERIFY_ERRORS), summary="验证手机号"
)
def snap_phone_verify(request: HttpRequest, payload: SnapPhoneVerifyIn) -> Any:
    found = do_verify_phone_code(phone=payload.phone, code=payload.code, ip=client_ip(request))
    return {"verification_id": found.pk, "phone": mask_phone(found.phone)}


@router.post(
    "/snaps",
    auth=None,
    response=answers({201: SnapReceiptOut}, SNAP_ERRORS),
    summary="提交随手拍（无需账号）",
    description="multipart/form-data：表单字段见 SnapIn，文件字段名 files（可多个）。照片 JPG/PNG/WebP/HEIC "
    "每张不超过 10MB，短视频 MP4/MOV 不超过 20MB，最多 6 个（可在设置中调整）；按文件内容识别类型。",
)
def submit_snap(
    request: HttpRequest, payload: Form[SnapIn], files: File[list[UploadedFile] | None] = None
) -> Any:
    data = payload.dict()
    complaint = actions.do_submit_snap(
        verification_id=data.pop("verification_id"),
        phone=data.pop("phone"),
        idempotency_key=data.pop("idempotency_key") or None,
        data=actions.SnapInput(**data),
        attachments=files or [],
        ip=client_ip(request),
        now=timezone.now(),
    )
    return Status(201, _receipt(complaint))


@router.get(
    "/snaps/track", auth=None, response=answers(SnapTrackOut, NotFound), summary="凭查询码查看办理进度"
)
def track_snap(request: HttpRequest, query: Query[SnapTrackQuery]) -> Any:
    now = timezone.now()
    confirmed = verified(query.verification_id, query.phone, now)
    found = track(query.number, confirmed.phone) if confirmed else None
    if found is None:
        raise NotFound()
    events = found.ticket.events.filter(visibility=Visibility.PUBLIC).order_by("at", "id")
    return {
        **_receipt(found),
        "published": found.published,
        "events": [{"at": e.at, "note": e.note} for e in events],
    }


@router.get("/snaps/published", auth=None, response=answers(Page[SnapBoardOut]), summary="曝光台：典型案例")
def board(request: HttpRequest, query: Query[PageQuery]) -> Any:
    return page_body(
        published_cases(),
        query,
        out=lambda c: {
            "id": c.pk,
            "title": c.public_title,
            "summary": c.public_summary,
            "category": c.category,
            "category_label": c.get_category_display(),
            "unit_name": c.unit.name if c.unit_id and c.unit else "",
            "published_at": c.published_at,
        },
    )


@router.get("/snaps", response=answers(Page[SnapComplaintOut]), summary="随手拍与投诉电话列表（作风办）")
def list_snaps(request: AuthedHttpRequest, query: Query[SnapComplaintQuery]) -> Any:
    user = request.user
    if not is_snap_reader(user):
        raise NotFound()
    params = query.dict(exclude={"page", "size"}, exclude_none=True)
    qs = filter_complaints(visible_complaints(user), params).prefetch_related("ticket__attachments")
    return page_body(qs, query, out=lambda c: complaint_out(user, c))


@router.get("/snaps/{int:complaint_id}", response=answers(SnapComplaintOut), summary="一件反映（作风办）")
def get_snap(request: AuthedHttpRequest, complaint_id: int) -> Any:
    complaint = access_complaint(request.user, complaint_id)
    if complaint.ticket.contact_phone:
        record_personal_data_view(request.user, complaint.ticket, ["contact_phone"])
    return complaint_out(request.user, complaint)


@router.post("/snaps/phone", response=answers({201: SnapComplaintOut}, PHONE_ERRORS), summary="登记投诉电话")
def register_phone(request: AuthedHttpRequest, payload: SnapPhoneComplaintIn) -> Any:
    data = payload.dict()
    source = data.pop("source")
    complaint = actions.do_register_phone_complaint(
        acting_user=request.user, data=actions.SnapInput(**data), source=source, now=timezone.now()
    )
    return Status(201, complaint_out(request.user, complaint))


def _moved(request: AuthedHttpRequest, complaint_id: int, action: Any, **kwargs: Any) -> Any:
    access_complaint(request.user, complaint_id)
    done = action(acting_user=request.user, complaint_id=complaint_id, now=timezone.now(), **kwargs)
    return complaint_out(request.user, access_complaint(request.user, done.pk))


@router.post(
    "/snaps/{int:complaint_id}/verify",
    response=answers(SnapComplaintOut, MOVE_ERRORS, "unit_not_found", "item_not_found", "item_required"),
    summary="开始核实",
)
def verify_snap(request: AuthedHttpRequest, complaint_id: int, payload: SnapVerifyIn) -> Any:
    return _moved(request, complaint_id, actions.do_start_verification, unit_id=payload.unit_id,
                  item_id=payload.item_id, version=payload.version)  # fmt: skip


@router.post(
    "/snaps/{int:complaint_id}/investigate",
    response=answers(SnapComplaintOut, MOVE_ERRORS, "finding_required", "finding_too_long"),
    summary="核实属实，转入查处",
)
def investigate_snap(request: AuthedHttpRequest, complaint_id: int, payload: SnapNoteIn) -> Any:
    return _moved(request, complaint_id, actions.do_investigate, note=payload.note, version=payload.version)


@router.post(
    "/snaps/{int:complaint_id}/dismiss",
    response=answers(SnapComplaintOut, MOVE_ERRORS, "finding_required", "finding_too_long"),
    summary="核实不属实，办结",
)
def dismiss_snap(request: AuthedHttpRequest, complaint_id: int, payload: SnapNoteIn) -> Any:
    return _moved(request, complaint_id, actions.do_dismiss, note=payload.note, version=payload.version)


@router.post(
    "/snaps/{int:complaint_id}/conclude",
    response=answers(SnapComplaintOut, MOVE_ERRORS, "penalty_required", "penalty_too_long"),
    summary="查处办结",
)
def conclude_snap(request: AuthedHttpRequest, complaint_id: int, payload: SnapConcludeIn) -> Any:
    return _moved(
        request, complaint_id, actions.do_conclude, penalty=payload.penalty, version=payload.version
    )


@router.post(
    "/snaps/{int:complaint_id}/publish",
    response=answers(SnapComplaintOut, Conflict, (409, "not_founded"), (409, "already_published"),
                     "public_title_required", "public_title_too_long", "public_summary_required",
                     "public_summary_too_long"),
    summary="曝光为典型案例",
)  # fmt: skip
def publish_snap(request: AuthedHttpRequest, complaint_id: int, payload: SnapPublishIn) -> Any:
    return _moved(request, complaint_id, actions.do_publish, title=payload.title, summary=payload.summary,
                  version=payload.version)  # fmt: skip
