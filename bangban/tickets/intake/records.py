"""The rows an intake writes: the case (numbered, its dispatch clock started) and its timeline
entries — one PUBLIC "已受理" event (with its audit event) and, for a repeated complaint, the link on
both cases. Shared by the one-case intake (`service.py`) and the batch (`batch.py`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bangban.audit.actions import snapshot

from .. import dispatch_clock
from ..events import EventSpec
from ..models import DispatchClockSettings, Ticket, Visibility
from ..workflow import Status
from ._common import Clean

# The case fields the intake's audit event records.
AUDITED_FIELDS = [
    "number",
    "channel",
    "intake_mode",
    "type",
    "urgency",
    "category",
    "title",
    "enterprise",
    "enterprise_name",
    "region",
    "suggested_unit",
    "duplicate_of",
    "hotline_outcome",
    "status",
]


def new_ticket(
    *,
    clean: Clean,
    channel: str,
    intake_mode: str,
    actor: Any,
    now: dt.datetime,
    number: str,
    key: str | None,
    content_hash: str,
    duplicate_of: Ticket | None,
    suggested_unit_id: int | None,
    submitter: Any = None,
    intake_unit_id: int | None = None,
    hotline_outcome: str = "",
    clock_settings: DispatchClockSettings | None = None,
) -> Ticket:
    """The case row a validated submission makes (not saved), its dispatch clock started."""
    ticket = Ticket(
        number=number,
        channel=channel,
        intake_mode=intake_mode,
        type=clean.type,
        urgency=clean.urgency,
        category=clean.category,
        multi_unit=clean.multi_unit,
        title=clean.title,
        content=clean.content,
        enterprise=clean.enterprise,
        enterprise_name=clean.enterprise_name,
        enterprise_uscc=clean.enterprise_uscc,
        region=clean.region,
        submitter=submitter,
        contact_name=clean.contact_name,
        contact_phone=clean.contact_phone,
        created_by=actor,
        intake_unit_id=intake_unit_id,
        hotline_outcome=hotline_outcome,
        status=Status.PENDING_DISPATCH,
        suggested_unit_id=suggested_unit_id,
        received_at=now,
        duplicate_of=duplicate_of,
        is_repeat=duplicate_of is not None,
        idempotency_key=key,
        content_hash=content_hash,
    )
    dispatch_clock.start(ticket, now, clock_settings)
    return ticket


def intake_events(
    ticket: Ticket,
    *,
    actor: Any,
    now: dt.datetime,
    event_data: dict[str, Any] | None = None,
    attachments: int = 0,
    duplicate: tuple[Ticket, float] | None = None,
) -> list[EventSpec]:
    """The timeline entries of an intake: "已受理" and, for a repeated complaint, the link on both
    cases."""
    data: dict[str, Any] = {
        "channel": ticket.channel,
        "intake_mode": ticket.intake_mode,
        **(event_data or {}),
    }
    if ticket.suggested_unit_id:
        data["suggested_unit"] = ticket.suggested_unit_id
    if attachments:
        data["attachments"] = attachments
    specs = [
        EventSpec(
            ticket,
            "intake",
            actor=actor,
            to_status=Status.PENDING_DISPATCH,
            visibility=Visibility.PUBLIC,
            note=f"已受理，诉求编号 {ticket.number}",
            data=data,
            audit_after=snapshot(ticket, fields=AUDITED_FIELDS),
            now=now,
        )
    ]
    if duplicate is not None:
        original, score = duplicate
        specs += [
            EventSpec(
                ticket,
                "duplicate_linked",
                actor=actor,
                note=f"与 {original.number} 内容相近（相似度 {score:.2f}），已标记为重复反映",
                data={"duplicate_of": original.pk, "number": original.number, "similarity": score},
                now=now,
            ),
            EventSpec(
                original,
                "duplicate_linked",
                actor=actor,
                note=f"企业再次反映，新诉求 {ticket.number} 与本件内容相近（相似度 {score:.2f}）",
                data={"duplicate": ticket.pk, "number": ticket.number, "similarity": score},
                now=now,
            ),
        ]
    return specs
