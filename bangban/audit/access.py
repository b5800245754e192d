"""Who may read the audit log (R0.5): the roles in AUDIT_READER_ROLES, nobody else. Others get
"not found", so the log's existence tells them nothing."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from bangban.accounts.access import has_any_role
from bangban.accounts.roles import AUDIT_READER_ROLES
from bangban.core.errors import NotFound

from .models import AuditEvent, ChainVerification


def can_read_audit(user: Any) -> bool:
    return has_any_role(user, AUDIT_READER_ROLES)


def require_audit_reader(user: Any) -> None:
    if not can_read_audit(user):
        raise NotFound()


def visible_events(user: Any) -> QuerySet[AuditEvent]:
    if not can_read_audit(user):
        return AuditEvent.objects.none()
    return AuditEvent.objects.all()


def access_event(user: Any, seq: int | str) -> AuditEvent:
    try:
        number = int(seq)
    except (TypeError, ValueError) as exc:
        raise NotFound() from exc
    event = visible_events(user).filter(seq=number).first()
    if event is None:
        raise NotFound()
    return event


def access_verification(user: Any, verification_id: int | str) -> ChainVerification:
    require_audit_reader(user)
    try:
        pk = int(verification_id)
    except (TypeError, ValueError) as exc:
        raise NotFound() from exc
    verification = ChainVerification.objects.filter(pk=pk).first()
    if verification is None:
        raise NotFound()
    return verification
