"""The lifecycle operations (write endpoints), declared as a table of transitions.

Every operation takes the `version` the caller read and returns the case summary with the new
one. Errors: 404 not_found (missing or outside the caller's scope), 403 permission_denied (visible,
but not the caller's to do), 409 invalid_transition (out of turn) or conflict (stale version),
400 for bad input (reason_required, extension_limit, deadline_rule_missing, …).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from django.http import HttpRequest
from ninja import File, Form, Schema, UploadedFile

from bangban.core.answers import answers
from bangban.core.errors import Conflict, InvalidTransition, NotFound
from bangban.core.http import AuthedHttpRequest

from .. import actions as lifecycle
from ..access import complainant_hidden
from ..models import DeadlineRequest, Reply, ReviewStatus, Ticket
from ..queries import is_staff_viewer
from ..replies import REPLY_ERRORS
from ..schemas import (
    CaseReplyOut,
    CaseSummaryOut,
    CloseOnSpotIn,
    DecideIn,
    DispatchIn,
    ExtensionIn,
    FollowUpIn,
    MergeIn,
    NoteIn,
    ReasonIn,
    ReassignIn,
    ReplyIn,
    ReviewIn,
    VersionIn,
    WithdrawIn,
    case_summary,
    reply_out,
)
from ._common import router

# The codes of the lifecycle actions (`actions.py`): bad input (400), out of turn or a stale
# version (409).
LIFECYCLE_ERRORS = [
    *("answer_required", "comment_invalid", "comment_required", "content_required", "deadline_rule_missing",
      "extension_limit", "invalid_workdays", "lead_is_co_handler", "level_required", "merge_into_self",
      "merge_target_invalid", "merge_target_missing", "method_invalid", "note_invalid", "note_required",
      "reason_invalid", "reason_required", "request_pending", "satisfaction_invalid", "text_required",
      "too_long", "unit_inactive", "unit_invalid", "urgency_invalid", "category_invalid",
      "sms_verification_required", "validation_error"),
    Conflict,
    InvalidTransition,
    (409, "request_decided"),
    *REPLY_ERRORS,
]  # fmt: skip
_WRITE = answers(CaseSummaryOut, LIFECYCLE_ERRORS)
_WRITE_REPLY = answers(CaseReplyOut, LIFECYCLE_ERRORS)


def _summary(ticket_id: int, request_id: int | None = None) -> dict[str, Any]:
    ticket = Ticket.objects.select_related("lead_unit").get(pk=ticket_id)
    return case_summary(ticket, request_id=request_id)


def _reply_summary(user: Any, ticket_id: int) -> dict[str, Any]:
    """The case summary with the reply just submitted, approved or sent back (its latest)."""
    ticket = Ticket.objects.select_related("lead_unit").get(pk=ticket_id)
    reply = (
        Reply.objects.filter(ticket=ticket)
        .prefetch_related("attachments")
        .order_by("-drafted_at", "-id")
        .first()
    )
    staff = is_staff_viewer(user)
    shown = reply if reply is not None and (staff or reply.status == ReviewStatus.APPROVED) else None
    return {
        **case_summary(ticket),
        "reply": reply_out(shown, staff=staff, protected=complainant_hidden(user, ticket)) if shown else None,
    }


@dataclass(frozen=True)
class Transition:
    """One lifecycle operation: `POST /cases/{ticket_id}<path>` with a `body`, calling `action`
    with the acting user, the case (or, with `on_request`, the deadline request in the path), the
    body's fields (as named by `rename`) and its `version` as the expected version, and answering
    the case summary: of the case the action returns (`answer="case"`), of the request it returns
    (`"request"`, with the request's id), of the case in the path (`"path"`) or of the case the
    action returns with its latest reply (`"reply"`)."""

    name: str  # the operation's function name: its URL name and (with the module) its operation id
    path: str
    summary: str
    description: str
    body: type[Schema]
    action: Callable[..., Any]
    answer: Literal["case", "request", "path", "reply"] = "case"
    rename: Mapping[str, str] = field(default_factory=dict)
    on_request: bool = False


TRANSITIONS = (
    Transition(
        "op_dispatch", "/dispatch", "派单",
        "派单员指定主办单位和协办单位；首次派单按“渠道×紧急程度”的时限规则起算办理期限"
        "（未配置时返回 400 deadline_rule_missing）。仅“待派单”的诉求可派单。"
        "首问负责：受理单位办理诉求的，首次派单默认由受理单位主办；改由其他单位主办须填写 lead_reason"
        "（未填返回 400 lead_change_reason_required）。",
        DispatchIn, lifecycle.do_dispatch,
    ),
    Transition(
        "op_accept", "/accept", "签收",
        "主办单位的承办人或负责人签收，成为承办人。",
        VersionIn, lifecycle.do_accept,
    ),
    Transition(
        "op_return", "/return", "退单",
        "主办单位退回派单员，必须填写理由（400 reason_required）；办理期限不重新起算。",
        ReasonIn, lifecycle.do_return,
    ),
    Transition(
        "op_reassign", "/reassign", "改派",
        "派单员改派主办单位，原派单记录保留并注明理由；办理期限不重新起算。",
        ReassignIn, lifecycle.do_reassign,
    ),
    Transition(
        "op_request_extension", "/extension-requests", "申请延期",
        "主办单位在办理中申请延长 N 个工作日，由派单员审批；超过允许次数返回 400 extension_limit，"
        "已有待审批的申请返回 400 request_pending。",
        ExtensionIn, lifecycle.do_request_extension, answer="request",
    ),
    Transition(
        "op_request_suspension", "/suspension-requests", "申请挂起",
        "主办单位在办理中申请挂起（如等待企业补充材料），由派单员审批；挂起期间不计入办理时限。",
        ReasonIn, lifecycle.do_request_suspension, answer="request",
    ),
    Transition(
        "op_decide_request", "/requests/{int:request_id}/decide", "审批延期/挂起申请",
        "派单员批准或驳回。批准延期：办理期限顺延；批准挂起：诉求进入“已挂起”，停止计时。",
        DecideIn, lifecycle.do_decide_request, answer="request", on_request=True,
    ),
    Transition(
        "op_resume", "/resume", "恢复办理",
        "主办单位或派单员结束挂起；办理期限顺延挂起期间的工作日数。",
        VersionIn, lifecycle.do_resume,
    ),
    Transition(
        "op_add_note", "/notes", "记录办理进展或内部意见",
        "public=true：办理进展，企业可见，限主办单位；public=false：内部意见，企业不可见，"
        "可见该诉求的工作人员均可填写。",
        NoteIn, lifecycle.do_add_note, answer="path",
    ),
    Transition(
        "op_submit_reply", "/reply", "提交答复",
        "主办单位提交结构化答复，进入“答复待审核”：办理结果（result）、答复内容（content）和联系记录"
        "（contact_method、contacted_at、contact_person，内部，企业不可见）均为必填，规则与页面相同，"
        "所有问题一次返回（details.fields / details.codes，code 为第一个问题的错误码）。"
        "带附件提交请用 POST /cases/{ticket_id}/reply/with-files（multipart）。"
        "两人同时提交时，后提交者收到 409 conflict。返回诉求概要和本次答复（reply）。",
        ReplyIn, lifecycle.do_submit_reply, answer="reply",
    ),
    Transition(
        "op_approve_reply", "/reply/approve", "审核通过答复",
        "主办单位负责人审核通过，答复（办理结果、内容、附件）对企业可见，诉求进入“已答复待回访”；"
        "联系记录始终仅内部可见。返回诉求概要和该答复。",
        ReviewIn, lifecycle.do_approve_reply, answer="reply",
    ),
    Transition(
        "op_reject_reply", "/reply/reject", "退回答复",
        "主办单位负责人退回答复，必须填写意见（400 comment_required），诉求回到“办理中”；"
        "答复附件仍仅内部可见，重新提交时可用 keep_attachment_ids 保留。返回诉求概要和该答复。",
        ReviewIn, lifecycle.do_reject_reply, answer="reply",
    ),
    Transition(
        "op_follow_up", "/follow-up", "回访 / 企业评价",
        "派单员、热线坐席、营商办登记回访，或企业对本企业的诉求在线评价。已解决且满意（1–3）则办结；"
        "未解决或不满意（4–5）则在原主办单位重办并重新起算期限，计入该单位重办次数。",
        FollowUpIn, lifecycle.do_follow_up, answer="path",
    ),
    Transition(
        "op_close_on_spot", "/close-on-spot", "即知即办（当场办结）",
        "窗口或热线当场答复并办结“待派单”的诉求；答复对企业可见。",
        CloseOnSpotIn, lifecycle.do_close_on_spot,
    ),
    Transition(
        "op_merge", "/merge", "合并重复诉求",
        "派单员把重复诉求合并到另一件未办结的诉求；不能合并到自身（400 merge_into_self）"
        "或已办结/已合并/已撤回的诉求（400 merge_target_invalid）。",
        MergeIn, lifecycle.do_merge, rename={"into_case_id": "into_ticket_id"},
    ),
    Transition(
        "op_withdraw", "/withdraw", "撤回诉求",
        "提交人或本企业在派单前撤回诉求。",
        WithdrawIn, lifecycle.do_withdraw,
    ),
)  # fmt: skip


def _perform(t: Transition, user: Any, ticket_id: int, request_id: int | None, payload: Schema) -> Any:
    fields = payload.model_dump()
    version = fields.pop("version")
    kwargs = {t.rename.get(name, name): value for name, value in fields.items()}
    if t.on_request:
        assert request_id is not None
        if not DeadlineRequest.objects.filter(pk=request_id, ticket_id=ticket_id).exists():
            raise NotFound()
        kwargs["request_id"] = request_id
    else:
        kwargs["ticket_id"] = ticket_id
    result = t.action(acting_user=user, expected_version=version, **kwargs)
    if t.answer == "reply":
        return _reply_summary(user, result.pk)
    if t.answer == "request":
        return _summary(result.ticket_id, request_id=result.pk)
    return _summary(result.pk if t.answer == "case" else ticket_id)


def _endpoint(t: Transition) -> Callable[..., Any]:
    """The view of one transition, with the signature django-ninja reads its parameters from."""

    def endpoint(request: HttpRequest, ticket_id: int, payload: Any, request_id: int | None = None) -> Any:
        return _perform(t, request.user, ticket_id, request_id, payload)

    params = [
        inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=HttpRequest),
        inspect.Parameter("ticket_id", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=int),
    ]
    if t.on_request:
        params.append(inspect.Parameter("request_id", inspect.Parameter.KEYWORD_ONLY, annotation=int))
    params.append(inspect.Parameter("payload", inspect.Parameter.KEYWORD_ONLY, annotation=t.body))
    endpoint.__signature__ = inspect.Signature(params, return_annotation=Any)  # type: ignore[attr-defined]
    endpoint.__name__ = endpoint.__qualname__ = t.name
    return endpoint


# The operation ids are those of the package (`api_work`), where these operations are published.
for _t in TRANSITIONS:
    router.post(
        "/{int:ticket_id}" + _t.path,
        response=_WRITE_REPLY if _t.answer == "reply" else _WRITE,
        summary=_t.summary,
        description=_t.description,
        operation_id="bangban_tickets_api_work_" + _t.name,
    )(_endpoint(_t))


class ReplyFormIn(ReplyIn):
    """The fields of `ReplyIn` as multipart/form-data (`/reply/with-files`)."""


@router.post(
    "/{int:ticket_id}/reply/with-files",
    response=_WRITE_REPLY,
    summary="提交答复（带附件）",
    description="与 POST /cases/{ticket_id}/reply 相同，但以 multipart/form-data 提交：各字段同名，"
    "keep_attachment_ids 可重复，附件字段名 files（可多个）。附件按内容识别类型，规则与诉求附件相同"
    "（图片、PDF、Word .docx、Excel .xlsx；单个不超过 10MB；每份答复最多 5 个，含保留的），"
    "答复审核通过前仅内部可见，通过后企业可见。",
    operation_id="bangban_tickets_api_work_op_submit_reply_with_files",
)
def op_submit_reply_with_files(
    request: AuthedHttpRequest,
    ticket_id: int,
    payload: Form[ReplyFormIn],
    files: File[list[UploadedFile] | None] = None,
) -> Any:
    fields = payload.model_dump()
    version = fields.pop("version")
    ticket = lifecycle.do_submit_reply(
        acting_user=request.user,
        ticket_id=ticket_id,
        expected_version=version,
        attachments=list(files or []),
        **fields,
    )
    return _reply_summary(request.user, ticket.pk)
