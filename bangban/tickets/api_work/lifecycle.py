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
from ninja import Schema

from bangban.core.answers import answers
from bangban.core.errors import Conflict, InvalidTransition, NotFound

from .. import actions as lifecycle
from ..models import DeadlineRequest, Ticket
from ..schemas import (
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
]  # fmt: skip
_WRITE = answers(CaseSummaryOut, LIFECYCLE_ERRORS)


def _summary(ticket_id: int, request_id: int | None = None) -> dict[str, Any]:
    ticket = Ticket.objects.select_related("lead_unit").get(pk=ticket_id)
    return case_summary(ticket, request_id=request_id)


@dataclass(frozen=True)
class Transition:
    """One lifecycle operation: `POST /cases/{ticket_id}<path>` with a `body`, calling `action`
    with the acting user, the case (or, with `on_request`, the deadline request in the path), the
    body's fields (as named by `rename`) and its `version` as the expected version, and answering
    the case summary: of the case the action returns (`answer="case"`), of the request it returns
    (`"request"`, with the request's id) or of the case in the path (`"path"`)."""

    name: str  # the operation's function name: its URL name and (with the module) its operation id
    path: str
    summary: str
    description: str
    body: type[Schema]
    action: Callable[..., Any]
    answer: Literal["case", "request", "path"] = "case"
    rename: Mapping[str, str] = field(default_factory=dict)
    on_request: bool = False


TRANSITIONS = (
    Transition(
        "op_dispatch", "/dispatch", "派单",
        "派单员指定主办单位和协办单位；首次派单按“渠道×紧急程度”的时限规则起算办理期限"
        "（未配置时返回 400 deadline_rule_missing）。仅“待派单”的诉求可派单。",
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
        "主办单位提交答复，进入“答复待审核”。两人同时提交时，后提交者收到 409 conflict。",
        ReplyIn, lifecycle.do_submit_reply,
    ),
    Transition(
        "op_approve_reply", "/reply/approve", "审核通过答复",
        "主办单位负责人审核通过，答复对企业可见，诉求进入“已答复待回访”。",
        ReviewIn, lifecycle.do_approve_reply,
    ),
    Transition(
        "op_reject_reply", "/reply/reject", "退回答复",
        "主办单位负责人退回答复，必须填写意见（400 comment_required），诉求回到“办理中”。",
        ReviewIn, lifecycle.do_reject_reply,
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
        response=_WRITE,
        summary=_t.summary,
        description=_t.description,
        operation_id="bangban_tickets_api_work_" + _t.name,
    )(_endpoint(_t))
