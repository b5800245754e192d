"""A problem handled while it is taken in: the hotline agent's 首接负责 (直接答复, 三方连线, 在线转接,
转派工单; R6.1) and the window's 即知即办. Channels whose policy says `on_spot` take a `Handling`; a
case solved on the spot is closed with the answer as a PUBLIC `close_on_spot` event and goes to
no dispatcher."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from bangban.org.models import Unit

from ..actions import do_close_on_spot
from ..models import ContactMethod, HotlineOutcome, ReplyResult, Ticket, Urgency
from ._common import ANSWER_MAX, FieldErrors, text


@dataclass
class Handling:
    """What was entered about the handling: its problems (reported with the submission's own), the
    data of the "已受理" event, and the answer that closes the case on the spot (None: it waits
    for dispatch)."""

    errors: FieldErrors = field(default_factory=FieldErrors)
    event_data: dict[str, Any] = field(default_factory=dict)
    on_spot: str | None = None
    hotline_outcome: str = ""
    urgency: str = ""  # the urgency the handling decides, when it does
    # The 办理结果 of the reply that closes the case on the spot, and how the enterprise was reached.
    result: str = ""
    contact_method: str = ""


RESULT_CHOICES = ReplyResult.choices


def _result(errors: FieldErrors, value: str, default: str, field: str) -> str:
    """The 办理结果 the staff member picked for an answer given on the spot (empty: `default`)."""
    chosen = text(value) or default
    if chosen not in ReplyResult.values:
        errors.add(field, "result_invalid", "办理结果无效，应为已解决、部分解决或解释说明")
    return chosen


def hotline_handling(
    *,
    outcome: str,
    answer: str = "",
    connected_unit_id: int | None = None,
    connected_name: str = "",
    outcome_text: str = "",
    resolved: bool = False,
    result: str = "",
) -> Handling:
    """直接答复 closes the case on the spot; 三方连线 and 在线转接 are recorded with the unit
    connected and the outcome (solved → closed on the spot, not solved → a work order waiting for
    dispatch); 转派工单 waits for dispatch. A case closed on the spot gets the 办理结果 the agent
    picked (`result`; default 解释说明 for a direct answer, 已解决 for a solved connection) and the
    call as its contact record (电话, the caller)."""
    errors = FieldErrors()
    if outcome not in HotlineOutcome.values:
        errors.add("outcome", "invalid_outcome", "请选择首接处理方式")
    answer = text(answer)
    outcome_text = text(outcome_text)
    event_data: dict[str, Any] = {"outcome": outcome}
    on_spot: str | None = None
    if outcome == HotlineOutcome.DIRECT_ANSWER:
        if not answer:
            errors.add("answer", "answer_required", "直接答复须填写答复内容")
        elif len(answer) > ANSWER_MAX:
            errors.add("answer", "answer_too_long", f"答复内容不能超过 {ANSWER_MAX} 个字")
        on_spot = answer
    elif outcome in (HotlineOutcome.THREE_WAY_CALL, HotlineOutcome.TRANSFER):
        unit = (
            Unit.objects.filter(pk=connected_unit_id, is_active=True).first() if connected_unit_id else None
        )
        name = unit.name if unit else text(connected_name)[:80]
        if connected_unit_id and unit is None:
            errors.add("connected_unit", "unknown_unit", "所选单位不存在或已停用")
        elif not name:
            errors.add("connected_unit", "connected_unit_required", "请填写连线或转接的单位（部门）")
        if not outcome_text:
            errors.add("outcome_text", "outcome_text_required", "请填写连线或转接的结果")
        elif len(outcome_text) > ANSWER_MAX:
            errors.add("outcome_text", "outcome_text_too_long", f"结果说明不能超过 {ANSWER_MAX} 个字")
        event_data.update(
            {
                "connected_unit": unit.pk if unit else None,
                "connected_name": name,
                "outcome_text": outcome_text,
                "resolved": bool(resolved),
            }
        )
        if resolved:
            label = HotlineOutcome(outcome).label
            on_spot = f"{label}（{name}）：{outcome_text}"
    chosen = ""
    if on_spot is not None:
        direct = outcome == HotlineOutcome.DIRECT_ANSWER
        default = ReplyResult.EXPLAINED if direct else ReplyResult.RESOLVED
        chosen = _result(errors, result, default, "answer_result" if direct else "connected_result")
        event_data["result"] = chosen
    return Handling(
        errors=errors,
        event_data=event_data,
        on_spot=on_spot,
        hotline_outcome=outcome,
        result=chosen,
        contact_method=ContactMethod.PHONE if on_spot is not None else "",
    )


def counter_handling(*, on_spot: bool, answer: str = "", result: str = "") -> Handling:
    """即知即办 (`on_spot`) closes the case with the answer given (一般) and the 办理结果 picked
    (default 已解决; the visitor at the counter is the contact, 当面); otherwise it is complex
    (复杂, 5 working days) and waits for dispatch."""
    errors = FieldErrors()
    answer = text(answer)
    chosen = ""
    if on_spot:
        if not answer:
            errors.add("answer", "answer_required", "即知即办须填写当场答复的内容")
        elif len(answer) > ANSWER_MAX:
            errors.add("answer", "answer_too_long", f"答复内容不能超过 {ANSWER_MAX} 个字")
        chosen = _result(errors, result, ReplyResult.RESOLVED, "answer_result")
    return Handling(
        errors=errors,
        event_data={"handling": "on_spot" if on_spot else "refer", **({"result": chosen} if on_spot else {})},
        on_spot=answer if on_spot else None,
        urgency=Urgency.GENERAL if on_spot else Urgency.COMPLEX,
        result=chosen,
        contact_method=ContactMethod.IN_PERSON if on_spot else "",
    )


def close_on_spot(
    ticket: Ticket,
    actor: Any,
    answer: str,
    now: dt.datetime,
    *,
    result: str = "",
    contact_method: str = "",
) -> None:
    """Close a case solved during intake through the lifecycle's own action (the answer becomes an
    approved reply with its 办理结果 and contact record, and a PUBLIC event; the enterprise is told)."""
    closed = do_close_on_spot.inner(
        acting_user=actor,
        ticket_id=ticket.pk,
        answer=answer,
        result=result,
        contact_method=contact_method,
        now=now,
    )
    for name in (
        "status",
        "replied_at",
        "closed_at",
        "version",
        "updated_at",
        "dispatch_settled_at",
        "dispatch_state",
    ):
        setattr(ticket, name, getattr(closed, name))
