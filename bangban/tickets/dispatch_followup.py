"""What follows a dispatch once it commits: telling the members of the lead and co-handling units
(in-app messages in the outbox) and letting the routing advisors record the dispatcher's choice
against their suggestion (`advice.dispatched`). Neither is part of the dispatch's answer, so the
dispatch writes one task row instead, in its own transaction: the row commits with the dispatch
or not at all, and the request pays for neither the members' lookup and messages nor the
advisor's model.

A worker lost mid-task leaves the task to be taken again once its lease runs out
(`bangban.core.worker`); a second run queues no message twice (each message's de-duplication key
names the dispatch's timeline event) and the advisor's record is one row per case. The task
tells the units this dispatch named, as it named them, even if the case moved on meanwhile."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django_tasks import task

from bangban.accounts.models import User

from . import advice, notifications
from .models import Ticket


def queue_dispatch_followup(
    ticket: Ticket, event_id: int, actor: Any, co_unit_ids: list[int], now: dt.datetime
) -> None:
    """Queue, inside the dispatch's transaction, the task that tells the units and the advisors."""
    follow_dispatch.enqueue(
        ticket.pk,
        event_id,
        getattr(actor, "pk", None),
        ticket.lead_unit_id,
        ticket.category_id,
        list(co_unit_ids),
        now.isoformat(),
    )


@task()
def follow_dispatch(
    ticket_id: int,
    event_id: int,
    actor_id: int | None,
    lead_unit_id: int | None,
    category_id: int | None,
    co_unit_ids: list[int],
    at: str,
) -> None:
    """Tell the units a dispatch named and record it with the routing advisors (a task queued by
    `do_dispatch`)."""
    now = dt.datetime.fromisoformat(at)
    ticket = Ticket.objects.filter(pk=ticket_id).first()
    if ticket is None:
        return
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    # The case as this dispatch left it (not saved): its lead unit and category then.
    ticket.lead_unit_id = lead_unit_id
    ticket.category_id = category_id
    with transaction.atomic():
        notifications.dispatched(ticket, actor, co_unit_ids, dedupe_key_prefix=f"dispatch:{event_id}")
        # Each advisor in its own savepoint: a failing advisor never loses the messages.
        advice.dispatched(ticket, actor, now)
