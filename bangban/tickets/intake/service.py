"""`do_intake`: the one way a case is taken in, whatever the channel; the channel's `ChannelPolicy`
(channels.py) decides what differs.

In order, before anything is written:
1. who may file — a user the policy admits (else 403 with the channel's message), or a visitor
   whose number was confirmed by SMS (verification.py);
2. the intake mode, and the channel's daily caps (429 once reached);
3. the submission and its attachments (validation.py, attachments.py) — every field problem at
   once, the handling's (handling.py) among them; then the idempotency key (idempotency.py).
Then, in one transaction: a replay of an earlier submission with the same key and content
(`IntakeResult.replayed`) or a refusal of the key with different content (409); else the case is
numbered, its unit suggested (routing.py), linked to a case it repeats (repeats.py), stored with
its files; the dispatchers of its area are told (notices.py) and one PUBLIC "已受理" event is
written (records.py) — or, solved on the spot, it is closed with the answer.

The deadline is not set here: the clock starts when the lead unit receives the case (dispatch).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction

from bangban.accounts.access import mask_phone
from bangban.accounts.models import User

from .. import config_cache
from ..attachments import CheckedFile, store_attachments
from ..events import add_events
from ..models import Ticket
from ..numbering import next_number
from ..routing import first_response_unit_id, suggest_unit_id
from ._common import Clean, IntakeInput, IntakeResult
from .attachments import checked_uploads
from .channels import (
    KEYED_CALLER,
    POLICIES,
    PUBLIC,
    VERIFIED_VISITOR,
    ChannelPolicy,
    admit,
    intake_mode_for,
    intake_unit_for,
    submitter_for,
)
from .handling import Handling, close_on_spot
from .idempotency import content_hash, key_for, replay
from .notices import queue_dispatcher_notices
from .records import intake_events, new_ticket
from .repeats import find_repeats
from .validation import ConfigLookups, clean_for
from .verification import hit_daily_caps, require_verified


def do_intake(
    channel: str | ChannelPolicy,
    actor: Any,
    data: IntakeInput,
    *,
    now: dt.datetime,
    attachments: Sequence[Any] = (),
    idempotency_key: str | None = None,
    intake_mode: str | None = None,
    handling: Handling | None = None,
    verification_id: int | None = None,
    phone: str = "",
    ip: str | None = None,
    checked_files: Sequence[CheckedFile] | None = None,
    caller: str = "",
) -> IntakeResult:
    """Take in one case the way `channel` (a policy or its name in `POLICIES`) says. `handling`
    is the hotline's or the counter's (`handling.py`); `verification_id`, `phone` and `ip` are a
    visitor's (the mayor's public column), who files without an account (`actor` is ignored).
    `checked_files` are files a caller already checked by its own rules (the conduct office's
    photos and videos), taken instead of checking `attachments`. `caller` names a keyed
    integration filing without an account (Open311: its client id, which the Open311 app checked);
    its idempotency keys are private to it."""
    policy = POLICIES[channel] if isinstance(channel, str) else channel
    verified_phone = ""
    if policy.filers == VERIFIED_VISITOR:
        verified_phone = require_verified(verification_id, phone, now).phone
        actor = None
    elif policy.filers == KEYED_CALLER:
        if not caller:
            raise ValueError(f"cases of {policy.name} are filed by a keyed caller")
        actor = None
    else:
        admit(policy, actor)
    mode = intake_mode_for(policy, intake_mode)
    if policy.daily_caps:
        hit_daily_caps(policy.daily_caps, address=ip, phone=verified_phone, now=now)
    if verified_phone:
        data.contact_phone = verified_phone
    if policy.enterprise == PUBLIC:
        data.enterprise_id = None
    event_data: dict[str, Any] = {}
    on_spot: str | None = None
    if handling is not None:
        if handling.on_spot is not None and not policy.on_spot:
            raise ValueError(f"cases of {policy.name} are not closed at intake")
        if handling.urgency:
            data.urgency = handling.urgency
        event_data.update(handling.event_data)
        on_spot = handling.on_spot
    # The categories, routing rules and clock settings from the process's copy (one token read).
    config = config_cache.current()
    clean = clean_for(policy, actor, data, handling.errors if handling else None, ConfigLookups(config))
    files = list(checked_files) if checked_files is not None else checked_uploads(attachments)
    key = key_for(policy, actor, verified_phone, idempotency_key, caller)
    if verified_phone:
        event_data["verified_phone"] = mask_phone(verified_phone)
    return _create(
        acting_user=actor,
        channel=policy.channel,
        intake_mode=mode,
        clean=clean,
        files=files,
        now=now,
        key=key,
        submitter=submitter_for(policy, actor),
        intake_unit_id=intake_unit_for(policy, actor),
        hotline_outcome=handling.hotline_outcome if handling else "",
        event_data=event_data,
        on_spot=on_spot,
        spot_result=handling.result if handling else "",
        spot_contact=handling.contact_method if handling else "",
        config=config,
    )


def _create(*, key: str | None, channel: str, clean: Clean, **kwargs: Any) -> IntakeResult:
    try:
        return _create_once(key=key, channel=channel, clean=clean, **kwargs)
    except IntegrityError:
        # A concurrent request committed the same idempotency key between our check and our
        # insert: the whole intake rolled back (no savepoint needed on the common path); answer as
        # for a replay.
        if key:
            existing = replay(key, content_hash(channel, clean))
            if existing is not None:
                return IntakeResult(ticket=existing, replayed=True)
        raise


def _create_once(
    *,
    acting_user: User,
    channel: str,
    intake_mode: str,
    clean: Clean,
    files: Sequence[CheckedFile],
    now: dt.datetime,
    key: str | None,
    submitter: Any = None,
    intake_unit_id: int | None = None,
    hotline_outcome: str = "",
    event_data: dict[str, Any] | None = None,
    on_spot: str | None = None,
    spot_result: str = "",
    spot_contact: str = "",
    config: config_cache.Config | None = None,
) -> IntakeResult:
    config = config or config_cache.current()
    digest = content_hash(channel, clean)
    actor = acting_user if getattr(acting_user, "pk", None) else None
    with transaction.atomic():
        if key:
            existing = replay(key, digest)
            if existing is not None:
                return IntakeResult(ticket=existing, replayed=True)
        repeat = find_repeats([clean], channel, now)[0]
        found = (repeat[0], repeat[1]) if repeat is not None and isinstance(repeat[0], Ticket) else None
        # 首问负责 (R12.1): the receiving unit leads by default; otherwise the routing rule's unit.
        suggested_unit_id = first_response_unit_id(channel, intake_unit_id) or suggest_unit_id(
            clean.category, clean.region, config.rules
        )
        clock_settings = config.clock
        # The number is taken after every read, right before the writes: the per-channel counter
        # row stays locked from here to the commit, so concurrent intakes queue only behind each
        # other's writes.
        ticket = new_ticket(
            clean=clean,
            channel=channel,
            intake_mode=intake_mode,
            actor=actor,
            now=now,
            number=next_number(channel, now),
            key=key,
            content_hash=digest,
            duplicate_of=found[0] if found else None,
            suggested_unit_id=suggested_unit_id,
            submitter=submitter,
            intake_unit_id=intake_unit_id,
            hotline_outcome=hotline_outcome,
            clock_settings=clock_settings,
        )
        ticket.save(force_insert=True)
        if files:
            store_attachments(ticket, files, uploaded_by=actor)
        if on_spot is None:
            # Before the timeline events: those take the audit chain's lock, held until commit.
            queue_dispatcher_notices([ticket], actor, now)
        add_events(
            intake_events(
                ticket, actor=actor, now=now, event_data=event_data, attachments=len(files), duplicate=found
            )
        )
        if on_spot is not None:
            close_on_spot(
                ticket,
                actor,
                on_spot,
                now,
                result=spot_result,
                contact_method=spot_contact,
            )
    return IntakeResult(
        ticket=ticket, duplicate_of=found[0] if found else None, similarity=found[1] if found else None
    )
