"""API schemas of the lifecycle operations (`/api/v1/cases/{id}/…`, `api_work/lifecycle.py`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from ninja import Field, Schema

from .deadlines import deadline_state_at
from .dispatch_clock import dispatch_state_at
from .models import FollowUpMethod, Ticket
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
    content: str = Field(description="答复内容（提交后由单位负责人审核）")


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
