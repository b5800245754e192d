"""API schemas of the lifecycle operations (`/api/v1/cases/{id}/…`, `api_work/lifecycle.py`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone
from ninja import Field, Schema

from .deadlines import deadline_state_at
from .dispatch_clock import dispatch_state_at
from .models import ContactMethod, FollowUpMethod, Reply, ReplyResult, Ticket, Visibility
from .workflow import Status


class CaseSummaryOut(Schema):
    """The case after an operation: enough to redraw its status and deadline, and the new version."""

    id: int = Field(description="诉求ID")
    number: str = Field(description="诉求编号")
    status: str = Field(description="状态代码：" + "、".join(f"{v} {label}" for v, label in Status.choices))
    status_label: str = Field(description="状态名称")
    lead_unit_id: int | None = Field(description="主办单位ID")
    lead_unit: str | None = Field(description="主办单位名称")
    due_at: dt.datetime | None = Field(description="办理期限")
    due_provisional: bool = Field(description="期限为临时推算（该年度节假日安排未加载）")
    deadline_state: str = Field(
        description="期限状态：normal 正常 / warning 临期 / overdue 超期 / none 无期限"
    )
    dispatch_due_at: dt.datetime | None = Field(description="派单期限（或审核交办期限）")
    dispatch_state: str = Field(
        description="派单期限状态：normal 正常 / warning 临期 / overdue 超期 / none 无；派单后为派单时的状态"
    )
    dispatch_settled_at: dt.datetime | None = Field(description="派单计时结束时间（首次派单等）")
    version: int = Field(description="新的版本号；下一次操作时原样提交")
    request_id: int | None = Field(None, description="刚提交的延期/挂起申请ID（仅申请接口返回）")


# The name the rest of the case system uses for the summary.
CaseOut = CaseSummaryOut


def case_summary(
    ticket: Ticket, now: dt.datetime | None = None, request_id: int | None = None
) -> dict[str, Any]:
    lead = ticket.lead_unit if ticket.lead_unit_id else None
    return {
        "id": ticket.pk,
        "number": ticket.number,
        "status": ticket.status,
        "status_label": Status(ticket.status).label,
        "lead_unit_id": ticket.lead_unit_id,
        "lead_unit": lead.name if lead else None,
        "due_at": ticket.due_at,
        "due_provisional": ticket.due_provisional,
        "deadline_state": str(deadline_state_at(ticket, now or timezone.now())),
        "dispatch_due_at": ticket.dispatch_due_at,
        "dispatch_state": str(dispatch_state_at(ticket, now or timezone.now())),
        "dispatch_settled_at": ticket.dispatch_settled_at,
        "version": ticket.version,
        "request_id": request_id,
    }


def dispatch_clock_out(ticket: Ticket, now: dt.datetime) -> dict[str, Any]:
    """The dispatch clock fields of the case schemas (`api_work.CaseItemOut`)."""
    return {
        "dispatch_clock": ticket.dispatch_clock,
        "dispatch_due_at": ticket.dispatch_due_at,
        "dispatch_warn_at": ticket.dispatch_warn_at,
        "dispatch_provisional": ticket.dispatch_provisional,
        "dispatch_state": str(dispatch_state_at(ticket, now)),
        "dispatch_overdue_at": ticket.dispatch_overdue_at,
        "dispatch_settled_at": ticket.dispatch_settled_at,
    }


class VersionIn(Schema):
    version: int = Field(description="读取诉求时得到的版本号；他人已修改时返回 409 conflict")


class DispatchIn(VersionIn):
    lead_unit_id: int = Field(description="主办单位ID")
    co_unit_ids: list[int] = Field(default_factory=list, description="协办单位ID（不能包含主办单位）")
    urgency: str | None = Field(None, description="改定紧急程度：urgent / general / complex")
    category_id: int | None = Field(None, description="改定诉求分类ID")
    note: str = Field("", description="派单意见（仅内部可见）")
    lead_reason: str = Field(
        "",
        description="首问负责：首次派单时主办单位不是受理（首问）单位，须填写改由其他单位牵头的理由；"
        "未填返回 400 lead_change_reason_required",
    )


class ReasonIn(VersionIn):
    reason: str = Field(description="理由（必填）")


class ReassignIn(VersionIn):
    lead_unit_id: int = Field(description="新的主办单位ID")
    co_unit_ids: list[int] = Field(default_factory=list, description="协办单位ID")
    reason: str = Field(description="改派理由（必填）")


class ExtensionIn(VersionIn):
    workdays: int = Field(description="申请延长的工作日数（1–60）")
    reason: str = Field(description="理由（必填）")


class DecideIn(VersionIn):
    approve: bool = Field(description="true 批准，false 不批准")
    comment: str = Field("", description="审批意见")


class NoteIn(Schema):
    version: int | None = Field(None, description="可选：读取时的版本号（记录进展不改变版本号）")
    text: str = Field(description="内容")
    public: bool = Field(
        False, description="true：办理进展，企业可见（限主办单位）；false：内部意见，企业不可见"
    )


class ReplyIn(VersionIn):
    """A structured reply (答复): checked by `replies.check_reply`, as on the case page."""

    result: str | None = Field(
        None,
        description="办理结果（必填；缺少时 400 result_required，无效时 result_invalid）："
        + "、".join(f"{v} {label}" for v, label in ReplyResult.choices),
    )
    content: str = Field(
        "", description="答复内容（必填，最多 5000 字；提交后由单位负责人审核，通过后企业可见）"
    )
    contact_method: str | None = Field(
        None,
        description="联系企业的方式（必填，内部）："
        + "、".join(f"{v} {label}" for v, label in ContactMethod.choices)
        + "；缺少时 contact_method_required，无效时 contact_method_invalid",
    )
    contacted_at: str | None = Field(
        None,
        description="联系企业的时间（必填，内部），ISO 8601，如 2026-11-05T10:30:00+08:00（不带时区按北京时间）；"
        "不能晚于现在、不能早于诉求受理时间，否则 contacted_at_invalid；缺少时 contacted_at_required",
        json_schema_extra={"format": "date-time"},
    )
    contact_person: str | None = Field(
        None,
        description="联系对象：企业联系人姓名（必填，最多 50 字，内部；contact_person_required / contact_person_too_long）",
    )
    contact_note: str = Field(
        "", description="沟通情况（内部，最多 500 字；联系方式为 other 时必填：contact_note_required）"
    )
    keep_attachment_ids: list[int] = Field(
        default_factory=list,
        description="保留上次被退回的答复中的附件ID（其他ID返回 attachment_keep_invalid）；新附件请用 /reply/with-files 上传",
    )


class ReplyAttachmentOut(Schema):
    id: int = Field(description="附件ID")
    name: str = Field(description="文件名")
    content_type: str = Field(description="类型")
    size: int = Field(description="大小（字节）")
    visibility: str = Field(description="public 企业可见（答复审核通过后）/ internal 仅内部")
    url: str = Field(description="下载地址（需登录，按诉求的查看权限控制）")


class ReplyContactOut(Schema):
    method: str = Field(
        description="联系方式代码：" + "、".join(f"{v} {label}" for v, label in ContactMethod.choices)
    )
    method_label: str = Field(description="联系方式名称（未填写时为“未填写”）")
    contacted_at: dt.datetime | None = Field(description="联系时间")
    person: str = Field(description="联系对象")
    note: str = Field(description="沟通情况")


class ReplyOut(Schema):
    id: int
    result: str = Field(
        description="办理结果代码："
        + "、".join(f"{v} {label}" for v, label in ReplyResult.choices)
        + "；结构化答复启用前的答复为空字符串"
    )
    result_label: str = Field(description="办理结果名称（未填写时为“未填写”）")
    content: str = Field(description="答复内容")
    status: str = Field(description="pending 待审核 / approved 已通过 / rejected 已退回")
    drafted_at: dt.datetime = Field(description="提交时间")
    reviewed_at: dt.datetime | None = Field(description="审核时间")
    review_comment: str | None = Field(None, description="审核意见（仅工作人员可见，企业用户为 null）")
    contact: ReplyContactOut | None = Field(
        None, description="联系记录（内部：仅工作人员可见，企业用户始终为 null）"
    )
    attachments: list[ReplyAttachmentOut] = Field(
        description="答复附件（企业用户只看到已审核通过的答复的附件）"
    )


class CaseReplyOut(CaseSummaryOut):
    """The case after a reply operation, with the reply it concerns (as the caller may see it)."""

    reply: ReplyOut | None = Field(None, description="本次提交、审核通过或退回的答复")


def reply_out(reply: Reply, *, staff: bool, protected: bool = False) -> dict[str, Any]:
    """A reply as the API shows it to this reader: staff see the contact record and the review
    comment; an enterprise never does (null), and sees only public files. `protected`: the reader
    must not see the complainant's details (file names become 附件N)."""
    files = list(reply.attachments.all())
    if not staff:
        files = [a for a in files if a.visibility == Visibility.PUBLIC]
    return {
        "id": reply.pk,
        "result": reply.result,
        "result_label": reply.result_label,
        "content": reply.content,
        "status": reply.status,
        "drafted_at": reply.drafted_at,
        "reviewed_at": reply.reviewed_at,
        "review_comment": reply.review_comment if staff else None,
        "contact": {
            "method": reply.contact_method,
            "method_label": reply.contact_method_label,
            "contacted_at": reply.contacted_at,
            "person": reply.contact_person,
            "note": reply.contact_note,
        }
        if staff
        else None,
        "attachments": [
            {
                "id": a.pk,
                "name": f"附件{i}" if protected else a.original_name,
                "content_type": a.content_type,
                "size": a.size,
                "visibility": a.visibility,
                "url": reverse("tickets:attachment", args=[reply.ticket_id, a.pk]),
            }
            for i, a in enumerate(files, 1)
        ],
    }


class ReviewIn(VersionIn):
    comment: str = Field("", description="审核意见（退回时必填）")


class FollowUpIn(VersionIn):
    resolved: bool = Field(description="问题是否解决")
    satisfaction: int | None = Field(
        None,
        description="满意度（必填，无默认值；缺少时 400 level_required）：1 非常满意 / 2 满意 / 3 基本满意 / 4 不满意 / 5 非常不满意",
    )
    method: str = Field(
        FollowUpMethod.PHONE.value,
        description="回访方式：phone 电话 / sms 短信 / portal 企业在线评价 / visit 上门（企业自评时固定为 portal）",
    )
    comment: str = Field("", description="回访意见")


class CloseOnSpotIn(VersionIn):
    answer: str = Field(description="当场答复的内容（企业可见）")


class MergeIn(VersionIn):
    into_case_id: int = Field(description="合并到的诉求ID（须为未办结的诉求）")
    reason: str = Field(description="合并理由（必填）")


class WithdrawIn(VersionIn):
    reason: str = Field("", description="撤回原因")
