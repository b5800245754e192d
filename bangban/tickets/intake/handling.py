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
from ..models import HotlineOutcome, Ticket, Urgency
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


def hotline_handling(
    *,
    outcome: str,
    answer: str = "",
    connected_unit_id: int | None = None,
    connected_name: str = "",
    outcome_text: str = "",
    resolved: bool = False,
) -> Handling:
    """直接答复 closes the case on the spot; 三方连线 and 在线转接 are recorded with the unit
    connected and the outcome (solved → closed on the spot, not solved → a work order waiting for
    dispatch); 转派工单 waits for dispatch."""
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
    return Handling(errors=errors, event_data=event_data, on_spot=on_spot, hotline_outcome=outcome)


def counter_handling(*, on_spot: bool, answer: str = "") -> Handling:
    """即知即办 (`on_spot`) closes the case with the answer given (一般); otherwise it is complex
    (复杂, 5 working days) and waits for dispatch."""
    errors = FieldErrors()
    answer = text(answer)
    if on_spot:
        if not answer:
            errors.add("answer", "answer_required", "即知即办须填写当场答复的内容")
        elif len(answer) > ANSWER_MAX:
            errors.add("answer", "answer_too_long", f"答复内容不能超过 {ANSWER_MAX} 个字")
    return Handling(
        errors=errors,
        event_data={"handling": "on_spot" if on_spot else "refer"},
        on_spot=answer if on_spot else None,
        urgency=Urgency.GENERAL if on_spot else Urgency.COMPLEX,
    )


def close_on_spot(ticket: Ticket, actor: Any, answer: str, now: dt.datetime) -> None:
    """Close a case solved during intake through the lifecycle's own action (the answer becomes an
    approved reply and a PUBLIC event; the enterprise is told)."""
    closed = do_close_on_spot.inner(acting_user=actor, ticket_id=ticket.pk, answer=answer, now=now)
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
