"""Merging duplicate cases and withdrawing a case before dispatch (see `actions.py`)."""

from __future__ import annotations

import datetime as dt

from bangban.accounts.models import User
from bangban.core.errors import (
    NotFound,
    ValidationFailed,
)
from bangban.core.kit import durable_action

from . import dispatch_clock, notifications
from .access import access_ticket
from .events import add_event
from .lifecycle import (
    _Change,
    _check_version,
    _end_assignments,
    _lock,
    _now,
    _text,
)
from .models import (
    Ticket,
    Visibility,
)
from .workflow import FINAL_STATUSES, Action, Status, check_transition

# --- merge and withdrawal -----------------------------------------------------------------------


@durable_action
def do_merge(
    *,
    acting_user: User,
    ticket_id: int,
    into_ticket_id: int,
    reason: str,
    now: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Ticket:
    """The dispatcher merges a duplicate into another open case (合并): the duplicate ends as 已合并
    and points at the case that carries on; that case's timeline records the merge."""
    now = _now(now)
    try:
        source_id, target_id = int(ticket_id), int(into_ticket_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    # Merging is a dispatcher's right whatever the case's state: refuse others before anything
    # (a case outside one's scope answers 404 whatever the body says).
    access_ticket(acting_user, source_id, "merge")
    if source_id == target_id:
        raise ValidationFailed("不能把诉求合并到它自己", code="merge_into_self")
    access_ticket(acting_user, target_id)
    # Lock both rows in id order, so two merges of the same pair cannot deadlock.
    locked = Ticket.objects.select_for_update().filter(pk__in=[source_id, target_id]).order_by("pk").in_bulk()
    ticket, target = locked[source_id], locked[target_id]
    _check_version(ticket, expected_version)
    new_status = check_transition(ticket.status, Action.MERGE)
    if target.status in FINAL_STATUSES:
        raise ValidationFailed(
            f"只能合并到未办结的诉求，目标诉求{target.number}当前为“{Status(target.status).label}”",
            code="merge_target_invalid",
        )
    reason = _text(reason, code="reason_required", message="合并必须填写理由", max_length=500)
    change = _Change(ticket, acting_user, now)
    _end_assignments(ticket, f"已合并至{target.number}", now)
    fields = ["status", "merged_into", *dispatch_clock.settle(ticket, now)]
    ticket.status = new_status
    ticket.merged_into = target
    if ticket.duplicate_of_id is None:
        ticket.duplicate_of = target
        fields.append("duplicate_of")
    change.save(fields)
    change.event(
        Action.MERGE,
        note=f"与诉求{target.number}反映的问题相同，已合并办理",
        visibility=Visibility.PUBLIC,
        data={"into_ticket_id": target.pk, "reason": reason},
    )
    add_event(
        target,
        "merged_in",
        actor=acting_user,
        note=f"诉求{ticket.number}已合并至本诉求：{reason}",
        data={"merged_ticket_id": ticket.pk},
        now=now,
    )
    notifications.merged(ticket, acting_user, target)
    return ticket


@durable_action
def do_withdraw(
    *,
    acting_user: User,
    ticket_id: int,
    reason: str = "",
    now: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Ticket:
    """The submitter or the enterprise withdraws a case before it is dispatched."""
    now = _now(now)
    ticket = _lock(acting_user, ticket_id, "withdraw", expected_version)
    target = check_transition(ticket.status, Action.WITHDRAW)
    reason = _text(reason, code="reason_invalid", message="", max_length=500, required=False)
    change = _Change(ticket, acting_user, now)
    fields = ["status", "closed_at", *dispatch_clock.settle(ticket, now)]
    ticket.status = target
    ticket.closed_at = now
    change.save(fields)
    change.event(Action.WITHDRAW, note=reason or "提交人撤回诉求", visibility=Visibility.PUBLIC)
    return ticket
