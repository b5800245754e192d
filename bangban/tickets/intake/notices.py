"""Telling the dispatchers that a new case waits for them: those whose area covers its region
(in-app). A mayor-channel case (R8.1) waits for the 市政府办公室专人, who classify it before any
dispatch: they are told instead of the dispatchers, who cannot act on it.

The intake itself only queues one task row (`queue_dispatcher_notices`) in its own transaction:
the row commits with the cases or not at all, so a notice is never lost to a crash, and the
request does not pay for finding the dispatchers, writing their messages and queuing their
delivery. A task worker then runs `announce_new_cases`, which writes the messages to the outbox
(delivered by the outbox's own task). A worker that dies mid-task leaves the task to be taken
again once its lease runs out (`bangban.core.worker`); the messages already queued for a case are
not written twice."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django_tasks import task

from bangban.accounts.models import User
from bangban.accounts.roles import Role
from bangban.notifications.actions import notify_each
from bangban.notifications.models import Channel as MessageChannel
from bangban.notifications.models import OutboxMessage
from bangban.org.models import Region

from ..models import Channel, Ticket


def case_link(ticket: Ticket) -> str:
    """The case page once it exists; the intake confirmation page until then."""
    try:
        return reverse("tickets:detail", args=[ticket.pk])
    except NoReverseMatch:
        return reverse("tickets:intake_done", args=[ticket.pk])


def _path_prefixes(path: str) -> list[str]:
    """ "/321300/321322/321322001/" → ["/321300/", "/321300/321322/", "/321300/321322/321322001/"]."""
    codes = [code for code in (path or "").split("/") if code]
    return ["/" + "/".join(codes[: i + 1]) + "/" for i in range(len(codes))]


def dispatchers_for_intake(region: Region | None) -> list[int]:
    """Ids of the active dispatchers whose area covers a new case (one query): those of a city
    unit always; those of a county, zone or township unit when the case's region lies in their
    region — the cases `access.visible_tickets` shows them."""
    city = Q(unit__region__parent__isnull=True)
    prefixes = _path_prefixes(getattr(region, "path", ""))
    return _active_ids(
        Role.DISPATCHER,
        Q(unit__isnull=False) & (city | Q(unit__region__path__in=prefixes) if prefixes else city),
    )


def mayor_office_staff() -> list[int]:
    """Ids of the active 市政府办公室专人 (one query)."""
    return _active_ids(Role.MAYOR_OFFICE)


def _active_ids(role: str, where: Q | None = None) -> list[int]:
    """Sorted ids of the active users holding `role` (and matching `where`), in one query."""
    qs = User.objects.filter(is_active=True, roles__code=role)
    if where is not None:
        qs = qs.filter(where)
    return sorted(set(qs.values_list("pk", flat=True)))


def recipients_for_intake(ticket: Ticket) -> list[int]:
    """Who is told of a new case: the 市政府办公室专人 for the mayor's channel, else the dispatchers
    whose area covers it."""
    if ticket.channel == Channel.MAYOR:
        return mayor_office_staff()
    return dispatchers_for_intake(ticket.region)


def dispatcher_message(ticket: Ticket) -> tuple[str, str, str]:
    """(subject, body, link) of the message telling dispatchers (or, for the mayor's channel, the
    市政府办公室专人) a new case waits for them."""
    body = f"{ticket.get_channel_display()}｜{ticket.title}"
    if ticket.is_repeat:
        body += "（重复反映）"
    if ticket.channel == Channel.MAYOR:
        return f"市长直通车新诉求待分类：{ticket.number}", body, case_link(ticket)
    return f"新诉求待派单：{ticket.number}", body, case_link(ticket)


def notify_dispatchers(tickets: list[Ticket], actor: Any, now: dt.datetime) -> list[OutboxMessage]:
    """Tell the dispatchers whose area covers each new case that it waits for them (in-app; queued
    in the outbox, one INSERT for all, delivered once the caller's transaction commits)."""
    actor_id = getattr(actor, "pk", None)
    by_region: dict[Any, list[int]] = {}
    messages = []
    for ticket in tickets:
        key = "mayor" if ticket.channel == Channel.MAYOR else ticket.region_id
        if key not in by_region:
            by_region[key] = [pk for pk in recipients_for_intake(ticket) if pk != actor_id]
        subject, body, link = dispatcher_message(ticket)
        messages += [(User(pk=pk), subject, body, link) for pk in by_region[key]]
    return notify_each(messages, channels=("inapp",), now=now)


def queue_dispatcher_notices(tickets: list[Ticket], actor: Any, now: dt.datetime) -> None:
    """Queue, inside the intake's transaction, the task that tells the dispatchers about
    `tickets` (one task row for all of them)."""
    if tickets:
        announce_new_cases.enqueue([t.pk for t in tickets], getattr(actor, "pk", None), now.isoformat())


@task()
def announce_new_cases(ticket_ids: list[int], actor_id: int | None, at: str) -> int:
    """Tell the dispatchers about new cases (a task queued by the intake); the number of messages
    queued. Run again after a lost worker, it skips the cases whose messages are already queued."""
    now = dt.datetime.fromisoformat(at)
    with transaction.atomic():
        tickets = list(
            Ticket.objects.select_for_update(of=("self",))
            .select_related("region")
            .filter(pk__in=ticket_ids)
            .order_by("pk")
        )
        subjects = {dispatcher_message(t)[0]: t for t in tickets}
        done = set(
            OutboxMessage.objects.filter(
                subject__in=list(subjects), channel=MessageChannel.INAPP
            ).values_list("subject", flat=True)
        )
        pending = [t for subject, t in subjects.items() if subject not in done]
        actor = User(pk=actor_id) if actor_id else None
        return len(notify_dispatchers(pending, actor, now))
