"""Filing many cases in one request: `POST /api/v1/cases/batch`.

Systems that collect cases elsewhere (the 12345 platform, a county's own hotline) hand them over in
batches. Each item is validated, numbered, routed, checked for repeated complaints, written to the
timeline and the audit chain and announced to the dispatchers exactly as `do_intake_api()` does for
one case, under the same channel policy (`channels.API_POLICIES`) — the differences are only in how
the work reaches the database: a handful of queries for the registry reads of the whole batch, one
INSERT each for the cases, their timeline entries, their audit events and the dispatchers'
messages, one counter update for all their numbers.

Items are independent: an invalid item is rejected with its own code and message and does not
stop the others; the valid ones are committed together. Each item may carry an idempotency key;
sending the same batch again answers every keyed item as a replay and creates nothing twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from bangban.accounts.models import User
from bangban.core.errors import ApplicationError, ValidationFailed

from .. import dispatch_clock
from ..events import EventSpec, add_events
from ..models import Ticket
from ..numbering import next_numbers
from ..routing import suggest_unit_id
from ._common import Clean, IntakeInput
from .channels import admit, api_policy, intake_mode_for, intake_unit_for, submitter_for
from .idempotency import IdempotencyConflict, account_key, content_hash
from .notices import queue_dispatcher_notices
from .records import intake_events, new_ticket
from .repeats import find_repeats
from .validation import PrefetchedLookups, clean_for

MAX_BATCH = 100


@dataclass
class BatchItem:
    data: IntakeInput
    idempotency_key: str | None = None


@dataclass
class BatchOutcome:
    """What became of one item: "created", "replayed" (its key was used before for the same
    content) or "rejected" (with the error)."""

    index: int
    status: str
    ticket: Ticket | None = None
    error: ApplicationError | None = None


@dataclass
class _Prepared:
    index: int
    clean: Clean
    key: str | None
    content_hash: str


def do_intake_batch(
    *,
    acting_user: User,
    items: list[BatchItem],
    channel: str | None = None,
    intake_mode: str | None = None,
    now: dt.datetime | None = None,
) -> list[BatchOutcome]:
    """File up to `MAX_BATCH` cases in one transaction, one outcome per item in the order given.
    The whole batch is refused only when it is empty, too large, or its channel is not the
    caller's."""
    now = now or timezone.now()
    if not items:
        raise ValidationFailed("请至少提交一件诉求", code="batch_empty")
    if len(items) > MAX_BATCH:
        raise ValidationFailed(
            f"每批最多 {MAX_BATCH} 件诉求（本批 {len(items)} 件），请分批提交", code="batch_too_large"
        )
    policy = api_policy(acting_user, channel)
    admit(policy, acting_user)
    mode = intake_mode_for(policy, intake_mode or None)
    lookups = PrefetchedLookups(acting_user, [item.data for item in items])
    outcomes: dict[int, BatchOutcome] = {}
    prepared: list[_Prepared] = []
    for index, item in enumerate(items):
        try:
            clean = clean_for(policy, acting_user, item.data, lookups=lookups)
            key = account_key(acting_user, item.idempotency_key)
        except ApplicationError as exc:
            outcomes[index] = BatchOutcome(index, "rejected", error=exc)
            continue
        prepared.append(_Prepared(index, clean, key, content_hash(policy.channel, clean)))

    context = {
        "acting_user": acting_user,
        "channel": policy.channel,
        "intake_mode": mode,
        "submitter": submitter_for(policy, acting_user),
        "intake_unit_id": intake_unit_for(policy, acting_user),
        "now": now,
    }
    if prepared:
        try:
            created = _create_batch(prepared, **context)
        except IntegrityError:
            # A concurrent request committed one of these idempotency keys after we looked: the
            # batch rolled back whole; once more, those items are now replays.
            created = _create_batch(prepared, **context)
        outcomes.update(created)
    return [outcomes[index] for index in range(len(items))]


def _create_batch(
    prepared: list[_Prepared],
    *,
    acting_user: User,
    channel: str,
    intake_mode: str,
    submitter: Any,
    intake_unit_id: int | None,
    now: dt.datetime,
) -> dict[int, BatchOutcome]:
    actor = acting_user if getattr(acting_user, "pk", None) else None
    outcomes: dict[int, BatchOutcome] = {}
    with transaction.atomic():
        fresh, in_batch = _replays(prepared, outcomes)
        if not fresh:
            return outcomes
        found = find_repeats([p.clean for p in fresh], channel, now)
        numbers = next_numbers(channel, now, len(fresh))
        suggested: dict[tuple[Any, Any], int | None] = {}
        clock_settings = dispatch_clock.current_settings()
        tickets = []
        for p, number, match in zip(fresh, numbers, found, strict=True):
            clean = p.clean
            route = (getattr(clean.category, "pk", None), getattr(clean.region, "pk", None))
            if route not in suggested:
                suggested[route] = suggest_unit_id(clean.category, clean.region)
            original = match[0] if match is not None and isinstance(match[0], Ticket) else None
            ticket = new_ticket(
                clean=clean,
                channel=channel,
                intake_mode=intake_mode,
                actor=actor,
                now=now,
                number=number,
                key=p.key,
                content_hash=p.content_hash,
                duplicate_of=original,
                suggested_unit_id=suggested[route],
                submitter=submitter,
                intake_unit_id=intake_unit_id,
                clock_settings=clock_settings,
            )
            ticket.is_repeat = match is not None
            tickets.append(ticket)
        Ticket.objects.bulk_create(tickets)
        # A repeat of an earlier item of this batch: that case has its id only now.
        linked_in_batch = []
        resolved: list[tuple[Ticket, float] | None] = []
        for ticket, match in zip(tickets, found, strict=True):
            if match is not None and isinstance(match[0], int):
                original = tickets[match[0]]
                ticket.duplicate_of = original
                linked_in_batch.append(ticket)
                resolved.append((original, match[1]))
            else:
                resolved.append(match)  # type: ignore[arg-type]
        if linked_in_batch:
            Ticket.objects.bulk_update(linked_in_batch, ["duplicate_of"])

        queue_dispatcher_notices(tickets, actor, now)
        specs: list[EventSpec] = []
        for ticket, match in zip(tickets, resolved, strict=True):
            specs += intake_events(ticket, actor=actor, now=now, duplicate=match)
        add_events(specs)
        for p, ticket in zip(fresh, tickets, strict=True):
            outcomes[p.index] = BatchOutcome(p.index, "created", ticket=ticket)
        # Items that repeat an earlier item's key with the same content are replays of it.
        for index, first_index in in_batch.items():
            outcomes[index] = BatchOutcome(index, "replayed", ticket=outcomes[first_index].ticket)
    return outcomes


def _replays(
    prepared: list[_Prepared], outcomes: dict[int, BatchOutcome]
) -> tuple[list[_Prepared], dict[int, int]]:
    """Items whose key was used before: replays (same content) or conflicts, entered in
    `outcomes`. Returns the items to create, and the items that repeat the key and content of an
    earlier item of this batch (index → that item's index)."""
    keys = [p.key for p in prepared if p.key]
    existing = {
        key: (pk, content_hash)
        for key, pk, content_hash in Ticket.objects.filter(idempotency_key__in=keys).values_list(
            "idempotency_key", "pk", "content_hash"
        )
    }
    replayed = Ticket.objects.select_related("duplicate_of").in_bulk([pk for pk, _hash in existing.values()])
    first_with_key: dict[str, _Prepared] = {}
    in_batch: dict[int, int] = {}
    fresh = []
    for p in prepared:
        if p.key and p.key in existing:
            pk, content_hash = existing[p.key]
            if content_hash == p.content_hash:
                outcomes[p.index] = BatchOutcome(p.index, "replayed", ticket=replayed[pk])
            else:
                outcomes[p.index] = BatchOutcome(p.index, "rejected", error=IdempotencyConflict())
            continue
        if p.key and p.key in first_with_key:
            first = first_with_key[p.key]
            if first.content_hash == p.content_hash:
                in_batch[p.index] = first.index
            else:
                outcomes[p.index] = BatchOutcome(p.index, "rejected", error=IdempotencyConflict())
            continue
        if p.key:
            first_with_key[p.key] = p
        fresh.append(p)
    return fresh, in_batch
