"""The person who filed a case, as the staff handling it see them: the contact phone is shown
masked, and a member of staff who may see the case reveals the full number when they need to call
(「查看完整号码」) — each reveal is one audit event (who, which case, when). Staff also see the
caller's earlier cases (same phone or same enterprise) on the case page."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from bangban.accounts.access import has_any_role, may_see_personal_data
from bangban.accounts.roles import STAFF_ROLES
from bangban.audit.actions import record
from bangban.core.errors import PermissionDenied, ValidationFailed
from bangban.core.kit import durable_action

from .access import access_ticket, complainant_hidden, visible_tickets
from .models import Ticket

# At most this many earlier cases of the same caller are listed on a case page.
HISTORY_LIMIT = 10


def may_reveal_contact(user: Any, ticket: Ticket) -> bool:
    """Whether the case page offers 「查看完整号码」: staff who see the case with the number masked
    (the personal-data roles see it in full already), never for a protected complainant."""
    return bool(
        ticket.contact_phone
        and has_any_role(user, STAFF_ROLES)
        and not may_see_personal_data(user)
        and not complainant_hidden(user, ticket)
    )


@durable_action
def do_reveal_contact(*, acting_user: Any, ticket_id: int | str) -> str:
    """The full contact phone of a case the user may see (404 otherwise), for staff only (403),
    recorded in the audit log (the event carries who, which case and when)."""
    ticket = access_ticket(acting_user, ticket_id)
    if not has_any_role(acting_user, STAFF_ROLES):
        raise PermissionDenied("只有办理诉求的工作人员可以查看完整联系电话", code="reveal_not_allowed")
    if complainant_hidden(acting_user, ticket):
        raise PermissionDenied("投诉人信息已保护，不能查看联系电话", code="complainant_protected")
    if not ticket.contact_phone:
        raise ValidationFailed("该诉求没有联系电话", code="phone_missing")
    record(
        "ticket.contact_reveal",
        actor=acting_user,
        obj=ticket,
        after={"fields": ["contact_phone"]},
    )
    return ticket.contact_phone


def caller_history(user: Any, ticket: Ticket) -> list[Ticket]:
    """The caller's earlier cases that `user` may see — same contact phone or same enterprise —
    newest first, at most `HISTORY_LIMIT`. Staff only; nothing for a protected complainant, and
    no case whose own complainant is hidden from the user."""
    if not has_any_role(user, STAFF_ROLES) or complainant_hidden(user, ticket):
        return []
    same = Q()
    if ticket.contact_phone:
        same |= Q(contact_phone=ticket.contact_phone)
    if ticket.enterprise_id:
        same |= Q(enterprise_id=ticket.enterprise_id)
    if not same:
        return []
    rows = (
        visible_tickets(user)
        .filter(same, received_at__lt=ticket.received_at)
        .exclude(pk=ticket.pk)
        .order_by("-received_at", "-pk")
    )
    found: list[Ticket] = []
    for row in rows[: HISTORY_LIMIT * 2]:
        if not complainant_hidden(user, row):
            found.append(row)
        if len(found) == HISTORY_LIMIT:
            break
    return found
