"""What changes through Open311: clients made and stopped by administrators (each one audit event),
and requests filed as cases through the case system's one intake (`tickets.intake.do_intake`, the
`open311` channel policy: numbering, routing, repeats, the dispatchers' messages and the audit of
every intake are the same as for any other case)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from bangban.accounts.access import has_any_role
from bangban.accounts.models import User
from bangban.accounts.roles import Role
from bangban.audit.actions import record
from bangban.core.errors import NotFound, PermissionDenied, ValidationFailed
from bangban.core.kit import durable_action
from bangban.tickets.intake import Handling, IntakeInput, do_intake
from bangban.tickets.models import Ticket

from .models import Client, ServiceRequest

ACTION_LABELS = {
    "open311.client_create": "创建 Open311 接入应用",
    "open311.client_revoke": "停用 Open311 接入应用",
}
KEY_PREFIX = "o311_"
NAME_MAX = 80


def digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _require_admin(user: object) -> None:
    if not has_any_role(user, {Role.ADMIN}):
        raise PermissionDenied("只有系统管理员可以管理 Open311 接入应用")


@durable_action
def do_create_client(*, acting_user: User, name: str, now: dt.datetime) -> tuple[Client, str]:
    """A new client and its key (returned once; only its digest is kept)."""
    _require_admin(acting_user)
    name = (name or "").strip()
    if not name or len(name) > NAME_MAX:
        raise ValidationFailed(f"请填写应用名称（不超过 {NAME_MAX} 个字符）", code="name_invalid")
    if Client.objects.filter(name=name).exists():
        raise ValidationFailed(f"已有名为“{name}”的接入应用", code="name_taken")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        client = Client.objects.create(
            name=name, key_prefix=key[:10], key_digest=digest(key), created_by=acting_user, created_at=now
        )
        record(
            "open311.client_create",
            actor=acting_user,
            obj=client,
            after={"name": name, "key_prefix": client.key_prefix},
            source="command",
        )
    return client, key


@durable_action
def do_revoke_client(*, acting_user: User, name: str, now: dt.datetime) -> Client:
    _require_admin(acting_user)
    with transaction.atomic():
        client = Client.objects.select_for_update().filter(name=(name or "").strip()).first()
        if client is None:
            raise NotFound(f"没有名为“{name}”的接入应用")
        if client.is_active:
            client.is_active = False
            client.revoked_at = now
            client.save(update_fields=["is_active", "revoked_at"])
            record(
                "open311.client_revoke",
                actor=acting_user,
                obj=client,
                before={"is_active": True},
                after={"is_active": False},
                source="command",
            )
    return client


def client_for_key(key: str | None) -> Client | None:
    """The active client holding `key`, or None (no key, an unknown or a stopped one)."""
    if not key or not key.startswith(KEY_PREFIX) or len(key) > 100:
        return None
    wanted = digest(key)
    client = Client.objects.filter(key_digest=wanted, is_active=True).first()
    if client is None or not hmac.compare_digest(client.key_digest, wanted):
        return None
    return client


@dataclass
class Submission:
    """A GeoReport v2 request, already checked by `georeport.parse_submission`."""

    service_code: str
    description: str
    title: str
    lat: Decimal | None
    long: Decimal | None
    address_string: str
    email: str
    contact_name: str
    phone: str
    idempotency_key: str | None = None


def do_submit_request(*, client: Client, submission: Submission, now: dt.datetime) -> Ticket:
    """File the request as a case (channel 系统接口, intake mode 系统对接) and remember where it was."""
    data = IntakeInput(
        title=submission.title,
        content=submission.description,
        category_code=submission.service_code,
        contact_name=submission.contact_name,
        contact_phone=submission.phone,
    )
    with transaction.atomic():
        result = do_intake(
            "open311",
            None,
            data,
            now=now,
            idempotency_key=submission.idempotency_key,
            handling=Handling(event_data={"open311_client": client.name}),
            caller=str(client.pk),
        )
        if not result.replayed:
            ServiceRequest.objects.create(
                ticket=result.ticket,
                client=client,
                lat=submission.lat,
                long=submission.long,
                address_string=submission.address_string,
                email=submission.email,
                created_at=now,
            )
    return result.ticket
