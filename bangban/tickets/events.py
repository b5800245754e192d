"""Writing the case timeline. Every action adds one TicketEvent and one audit event."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from bangban.audit.actions import record

from .models import Ticket, TicketEvent, Visibility


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
    event = TicketEvent.objects.create(
        ticket=ticket,
        at=now or timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=(getattr(actor, "display_name", "") or "系统")[:80],
        actor_unit_id=getattr(actor, "unit_id", None),
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        note=note,
        visibility=visibility,
        data=data,
    )
    record(
        f"ticket.{kind}",
        actor=actor if getattr(actor, "pk", None) else None,
        obj=ticket,
        before=audit_before
        if audit_before is not None
        else ({"status": from_status} if from_status else None),
        after=audit_after
        if audit_after is not None
        else ({"status": to_status, "note": note[:500]} if to_status or note else None),
    )
    return event
