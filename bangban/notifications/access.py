"""Who sees which messages: every user their own inbox; the outbox only administrators."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from bangban.accounts.access import has_any_role
from bangban.accounts.roles import Role
from bangban.core.errors import NotFound

from .models import InAppMessage, OutboxMessage

OUTBOX_ADMIN_ROLES = frozenset({Role.ADMIN})


def visible_inbox(user: Any) -> QuerySet[InAppMessage]:
    if not getattr(user, "is_authenticated", False):
        return InAppMessage.objects.none()
    return InAppMessage.objects.filter(user=user)


def can_manage_outbox(user: Any) -> bool:
    return has_any_role(user, OUTBOX_ADMIN_ROLES)


def require_outbox_admin(user: Any) -> None:
    if not can_manage_outbox(user):
        raise NotFound()


def visible_outbox(user: Any) -> QuerySet[OutboxMessage]:
    if not can_manage_outbox(user):
        return OutboxMessage.objects.none()
    return OutboxMessage.objects.all()


def access_outbox_message(user: Any, message_id: int | str) -> OutboxMessage:
    try:
        pk = int(message_id)
    except (TypeError, ValueError) as exc:
        raise NotFound() from exc
    message = visible_outbox(user).filter(pk=pk).first()
    if message is None:
        raise NotFound()
    return message


def require_demo() -> None:
    """The demo pages exist only in the demo city (`BANGBAN_DEMO`): elsewhere they are not found."""
    if not settings.BANGBAN_DEMO:
        raise NotFound()


def tail_only(phone: str) -> str:
    """A number on the demo phone page: only its last four digits (`*******5678`)."""
    phone = phone or ""
    return "*" * max(len(phone) - 4, 0) + phone[-4:]
