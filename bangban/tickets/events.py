"""Writing the case timeline. Every action adds one TicketEvent and one audit event."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from bangban.audit.actions import Entry, record_many
from bangban.audit.labels import ACTION_LABELS, register_action_labels

from .display import EVENT_LABELS, register_event_labels
from .models import Ticket, TicketEvent, Visibility


def register_event_kinds(labels: dict[str, str]) -> None:
    """Name timeline kinds (`AppConfig.ready()` of tickets and of the apps above it): the label
    every timeline shows, and the label of its audit action `ticket.<kind>` where the app did not
    name that one itself."""
    register_event_labels(labels)
    register_action_labels(
        {f"ticket.{kind}": label for kind, label in labels.items() if f"ticket.{kind}" not in ACTION_LABELS}
    )


def register_own_event_kinds() -> None:
    """The case system's own kinds (tickets' `AppConfig.ready()`, after its lifecycle labels)."""
    register_event_kinds(dict(EVENT_LABELS))


@dataclass
class EventSpec:
    """One timeline entry to write (the arguments of `add_event()`)."""

    ticket: Ticket
    kind: str
    actor: Any = None
    note: str = ""
    from_status: str = ""
    to_status: str = ""
    visibility: str = Visibility.INTERNAL
    data: dict | None = None
    audit_before: dict | None = None
    audit_after: dict | None = None
    now: Any = None


def _build(spec: EventSpec) -> tuple[TicketEvent, Entry]:
    actor = spec.actor if getattr(spec.actor, "pk", None) else None
    event = TicketEvent(
        ticket=spec.ticket,
        at=spec.now or timezone.now(),
        actor=actor,
        actor_name=(getattr(spec.actor, "display_name", "") or "系统")[:80],
        actor_unit_id=getattr(spec.actor, "unit_id", None),
        kind=spec.kind,
        from_status=spec.from_status,
        to_status=spec.to_status,
        note=spec.note,
        visibility=spec.visibility,
        data=spec.data,
    )
    before = spec.audit_before
    if before is None:
        before = {"status": spec.from_status} if spec.from_status else None
    after = spec.audit_after
    if after is None:
        after = {"status": spec.to_status, "note": spec.note[:500]} if spec.to_status or spec.note else None
    return event, Entry(f"ticket.{spec.kind}", actor=actor, obj=spec.ticket, before=before, after=after)


def add_event(
    ticket: Ticket,
    kind: str,
    *,
    actor: Any = None,
    note: str = "",
    from_status: str = "",
    to_status: str = "",
    visibility: str = Visibility.INTERNAL,
    data: dict | None = None,
    audit_before: dict | None = None,
    audit_after: dict | None = None,
    now: Any = None,
) -> TicketEvent:
    """Append to the timeline and to the audit chain (call inside the action's transaction)."""
    spec = EventSpec(
        ticket, kind, actor, note, from_status, to_status, visibility, data, audit_before, audit_after, now
    )
    event, entry = _build(spec)
    event.save(force_insert=True)
    record_many([entry])
    return event


def add_events(specs: list[EventSpec]) -> list[TicketEvent]:
    """`add_event()` for many entries: one INSERT for the timeline and one for the audit chain
    (its events in the order given)."""
    built = [_build(spec) for spec in specs]
    events = TicketEvent.objects.bulk_create([event for event, _entry in built])
    record_many(entry for _event, entry in built)
    return events
