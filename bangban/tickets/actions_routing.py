"""Routing a case: 派单, 签收, 退单, 改派 (R12.1 首问负责; see `actions.py`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from bangban.accounts.models import User
from bangban.core.errors import (
    ValidationFailed,
)
from bangban.core.kit import durable_action

from . import dispatch_clock, guards, notifications
from .access import check_action
from .deadlines import policy_for
from .dispatch_followup import queue_dispatch_followup
from .guards import ReviewSignOff
from .lifecycle import (
    _assign,
    _cancel_pending_requests,
    _Change,
    _end_assignments,
    _lock,
    _now,
    _set_deadline,
    _text,
    _unit_name,
    _units,
)
from .models import (
    Category,
    Ticket,
    Urgency,
    Visibility,
)
from .routing import first_response_unit_id
from .workflow import Action, check_transition

# --- routing (派单, 签收, 退单, 改派) ----------------------------------------------------------------


@durable_action
def do_dispatch(
    *,
    acting_user: User,
    ticket_id: int,
    lead_unit_id: int,
    co_unit_ids: Iterable[int] = (),
    urgency: str | None = None,
    category_id: int | None = None,
    note: str = "",
    now: dt.datetime | None = None,
    expected_version: int | None = None,
    authorised_by: ReviewSignOff | None = None,
    lead_reason: str = "",
) -> Ticket:
    """The dispatcher sends the case to one lead unit (主办) and any co-handlers (协办). The first
    dispatch starts the handling deadline from the policy of channel × urgency. A flow that signed
    the dispatch off (the mayor review, a dispute decision) says so in `authorised_by`; the guards
    registered in `guards` decide what that allows (a mayor-channel case under review is
    dispatched only through its sign-off chain, R8.2)."""
    now = _now(now)
    ticket = _lock(acting_user, ticket_id, "view", expected_version)
    if not guards.check_dispatch(acting_user, ticket, via=authorised_by):
        check_action(acting_user, ticket, "dispatch")
    target = check_transition(ticket.status, Action.DISPATCH)
    lead, co_units = _units(lead_unit_id, co_unit_ids)
    note = _text(note, code="note_invalid", message="", required=False)
    first_unit = (
        first_response_unit_id(ticket.channel, ticket.intake_unit_id)
        if ticket.deadline_start is None
        else None
    )
    lead_changed = first_unit is not None and first_unit != lead.pk
    lead_reason = _text(lead_reason, code="lead_reason_invalid", message="", required=False)
    if lead_changed and not lead_reason:
        raise ValidationFailed(
            f"首问负责：该诉求由{_unit_name(first_unit)}受理，默认由其牵头办理；改由其他单位牵头须填写理由",
            code="lead_change_reason_required",
        )
    change = _Change(ticket, acting_user, now)
    fields = ["status", "lead_unit", "handler", "dispatched_at", "accepted_at"]
    if urgency:
        if urgency not in Urgency.values:
            raise ValidationFailed("紧急程度无效（应为 urgent / general / complex）", code="urgency_invalid")
        ticket.urgency = urgency
        fields.append("urgency")
    if category_id:
        category = Category.objects.filter(pk=category_id, is_active=True).first()
        if category is None:
            raise ValidationFailed("诉求分类不存在或已停用", code="category_invalid")
        ticket.category = category
        fields.append("category")
    if co_units and not ticket.multi_unit:
        ticket.multi_unit = True
        fields.append("multi_unit")
    first = ticket.deadline_start is None
    if first:
        policy = policy_for(ticket.channel, ticket.urgency)
        fields += _set_deadline(ticket, now, policy.workdays, policy.warn_workdays)
        ticket.max_extensions = policy.max_extensions
        fields.append("max_extensions")
    # The first dispatch settles the dispatch clock (a return does not restart it).
    fields += dispatch_clock.settle(ticket, now)
    ticket.status = target
    ticket.lead_unit = lead
    ticket.handler = None
    ticket.dispatched_at = now
    ticket.accepted_at = None
    change.save(fields)
    _assign(ticket, lead, co_units, acting_user, now)
    co_names = "、".join(u.name for u in co_units)
    text = f"派至{lead.name}主办" + (f"，{co_names}协办" if co_names else "") + (f"。{note}" if note else "")
    data: dict[str, object] = {
        "lead_unit_id": lead.pk,
        "co_unit_ids": [u.pk for u in co_units],
        "first_dispatch": first,
        "deadline_reset": first,
    }
    if first_unit is not None:
        data["first_response_unit_id"] = first_unit
    if lead_changed:
        data["lead_reason"] = lead_reason
        text += f"（首问单位{_unit_name(first_unit)}，改由{lead.name}牵头：{lead_reason}）"
    event = change.event(Action.DISPATCH, note=text, data=data)
    # After the commit, in a task queued with it: the units' members are told and a routing
    # advisor (bangban.insight) records the final choice against its suggestion.
    queue_dispatch_followup(ticket, event.pk, acting_user, [u.pk for u in co_units], now)
    return ticket


@durable_action
def do_accept(
    *,
    acting_user: User,
    ticket_id: int,
    now: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Ticket:
    """A handler (or head) of the lead unit signs for the case (签收) and becomes its handler."""
    now = _now(now)
    ticket = _lock(acting_user, ticket_id, "accept", expected_version)
    target = check_transition(ticket.status, Action.ACCEPT)
    change = _Change(ticket, acting_user, now)
    ticket.status = target
    ticket.handler = acting_user
    ticket.accepted_at = now
    change.save(["status", "handler", "accepted_at"])
    unit = _unit_name(ticket.lead_unit_id)
    change.event(Action.ACCEPT, note=f"{unit}已签收，正在办理", visibility=Visibility.PUBLIC)
    notifications.accepted(ticket, acting_user)
    return ticket


@durable_action
def do_return(
    *,
    acting_user: User,
    ticket_id: int,
    reason: str,
    now: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Ticket:
    """The lead unit returns the case to the dispatcher (退单), with a reason. The deadline of the
    first dispatch is kept: the enterprise's clock does not restart."""
    now = _now(now)
    ticket = _lock(acting_user, ticket_id, "return", expected_version)
    target = check_transition(ticket.status, Action.RETURN)
    reason = _text(reason, code="reason_required", message="退单必须填写理由")
    change = _Change(ticket, acting_user, now)
    unit_id = ticket.lead_unit_id
    unit = _unit_name(unit_id)
    paths = notifications.case_paths(ticket)
    _end_assignments(ticket, f"退单：{reason}", now)
    _cancel_pending_requests(ticket, acting_user, "诉求已退单，申请自动失效", now)
    ticket.status = target
    ticket.lead_unit = None
    ticket.handler = None
    ticket.accepted_at = None
    change.save(["status", "lead_unit", "handler", "accepted_at"])
    change.event(Action.RETURN, note=reason, data={"unit_id": unit_id})
    notifications.returned(ticket, acting_user, unit, reason, paths)
    return ticket


@durable_action
def do_reassign(
    *,
    acting_user: User,
    ticket_id: int,
    lead_unit_id: int,
    co_unit_ids: Iterable[int] = (),
    reason: str,
    now: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Ticket:
    """The dispatcher moves the case to another lead unit (改派). The old assignments are ended with
    the reason and kept as history; the deadline is kept."""
    now = _now(now)
    ticket = _lock(acting_user, ticket_id, "reassign", expected_version)
    target = check_transition(ticket.status, Action.REASSIGN)
    reason = _text(reason, code="reason_required", message="改派必须填写理由")
    lead, co_units = _units(lead_unit_id, co_unit_ids)
    change = _Change(ticket, acting_user, now)
    previous_unit, previous_handler = ticket.lead_unit_id, ticket.handler_id
    _end_assignments(ticket, f"改派：{reason}", now)
    _cancel_pending_requests(ticket, acting_user, "诉求已改派，申请自动失效", now)
    _assign(ticket, lead, co_units, acting_user, now)
    ticket.status = target
    ticket.lead_unit = lead
    ticket.handler = None
    ticket.accepted_at = None
    ticket.dispatched_at = now
    fields = ["status", "lead_unit", "handler", "accepted_at", "dispatched_at"]
    if co_units and not ticket.multi_unit:
        ticket.multi_unit = True
        fields.append("multi_unit")
    change.save(fields)
    change.event(
        Action.REASSIGN,
        note=f"由{_unit_name(previous_unit)}改派至{lead.name}：{reason}",
        data={
            "from_unit_id": previous_unit,
            "lead_unit_id": lead.pk,
            "co_unit_ids": [u.pk for u in co_units],
        },
    )
    notifications.reassigned(ticket, acting_user, [u.pk for u in co_units], previous_handler)
    return ticket
