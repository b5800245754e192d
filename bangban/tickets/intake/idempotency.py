"""Idempotency keys: the same submission sent twice with one key makes one case (the second answer
is a replay of the first); the key with different content is refused (409). Keys are private to
whoever sends them — an account, or a visitor's verified number."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from bangban.core import rawsql
from bangban.core.errors import ApplicationError

from ..models import Ticket
from ._common import IDEMPOTENCY_KEY_MAX, Clean, field_error, text
from .channels import KEY_CALLER, KEY_PHONE, ChannelPolicy


class IdempotencyConflict(ApplicationError):
    code = "idempotency_conflict"
    message = "该幂等键已用于内容不同的另一次提交，请换用新的幂等键"
    status = 409


def content_hash(channel: str, c: Clean) -> str:
    """What "the same submission" means: the validated content, in its channel."""
    payload = [
        channel,
        c.title,
        c.content,
        c.category.code if c.category else "",
        c.type,
        c.urgency,
        c.multi_unit,
        c.enterprise.pk if c.enterprise else c.enterprise_name,
        c.region.code if c.region else "",
        c.contact_name,
        c.contact_phone,
    ]
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode("utf-8")).hexdigest()


def scoped_key(prefix: str, key: str | None) -> str | None:
    """Idempotency keys are private to whoever sends them: the same key from two clients never
    collides."""
    key = text(key)
    if not key:
        return None
    if len(key) > IDEMPOTENCY_KEY_MAX:
        message = f"幂等键不能超过 {IDEMPOTENCY_KEY_MAX} 个字符"
        raise field_error("idempotency_key", "invalid_idempotency_key", message)
    return f"{prefix}:{key}"


def account_key(user: Any, key: str | None) -> str | None:
    """A key sent by an account (a page, an integration), made private to it."""
    return scoped_key(f"u{user.pk}", key)


def key_for(
    policy: ChannelPolicy, user: Any, verified_phone: str, key: str | None, caller: str = ""
) -> str | None:
    """The key of one intake, private to its owner as the channel says."""
    if policy.key_owner == KEY_PHONE:
        return scoped_key(f"p{verified_phone}", key)
    if policy.key_owner == KEY_CALLER:
        return scoped_key(f"c{caller}", key)
    return account_key(user, key)


def replay(key: str, content_hash: str) -> Ticket | None:
    """The case an earlier submission with this key made, if the content is the same; refused
    (`IdempotencyConflict`) when it is not."""
    rows = rawsql.fetch(
        Ticket, f'SELECT "id", "content_hash" FROM {rawsql.table(Ticket)} WHERE "idempotency_key" = %s', [key]
    )
    found = rows[0] if rows else None
    if found is None:
        return None
    if found[1] != content_hash:
        raise IdempotencyConflict()
    return Ticket.objects.get(pk=found[0])
