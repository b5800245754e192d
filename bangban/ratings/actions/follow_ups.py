"""Follow-up calls (回访) recorded by agents."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bangban.accounts.models import User
from bangban.audit.actions import record
from bangban.core.errors import InvalidTransition, ValidationFailed
from bangban.core.kit import durable_action
from bangban.tickets.access import access_ticket, check_action
from bangban.tickets.workflow import Status

from ..models import CallOutcome, FollowUpCall
from ._common import _now, _text
from ._recording import _follow_up
from .inputs import parse_level


@durable_action
def do_record_call(
    *,
    acting_user: User,
    ticket_id: Any,
    outcome: str,
    resolved: Any = None,
    satisfaction: Any = None,
    comment: str = "",
    now: dt.datetime | None = None,
) -> FollowUpCall:
    """An agent's 回访 call. Connected: resolved + satisfaction go to the case's follow-up, which
    closes the case or reopens it (重办) — up to the configured maximum, then escalation is flagged."""

    now = _now(now)
    if outcome not in CallOutcome.values:
        raise ValidationFailed("呼叫结果无效", code="outcome_invalid")
    comment = _text(comment, 500)
    ticket = access_ticket(acting_user, ticket_id, "view", for_update=True)
    check_action(acting_user, ticket, "follow_up")
    if ticket.status != Status.REPLIED:
        raise InvalidTransition("该诉求不在“已答复待回访”状态，不能登记回访", code="invalid_transition")
    call = FollowUpCall(
        ticket=ticket, method="phone", outcome=outcome, comment=comment, by=acting_user, at=now
    )
    if outcome == CallOutcome.CONNECTED:
        if resolved in (None, ""):
            raise ValidationFailed("请选择问题是否解决", code="resolved_required")
        if satisfaction in (None, ""):
            raise ValidationFailed("请选择满意度", code="level_required")
        level = parse_level(satisfaction, field="满意度")
        call.resolved = resolved in (True, "true", "1", 1, "on", "yes")
        call.satisfaction = level
        _, call.reopened, call.escalation_flagged = _follow_up(
            agent=acting_user,
            ticket=ticket,
            resolved=call.resolved,
            satisfaction=level,
            method="phone",
            comment=comment,
            now=now,
        )
    call.save()
    record(
        "ratings.follow_up_call",
        actor=acting_user,
        obj=ticket,
        after={
            "outcome": outcome,
            "resolved": call.resolved,
            "satisfaction": call.satisfaction,
            "reopened": call.reopened,
            "escalation": call.escalation_flagged,
        },
    )
    return call
