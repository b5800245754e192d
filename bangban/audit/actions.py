"""Writing to the audit log. Every action (`do_*`) calls `record()` inside its transaction."""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import hmac
import ipaddress
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models.sql import InsertQuery
from django.utils import timezone

from bangban.core import rawsql
from bangban.core.middleware import current_context

from .models import AuditEvent, ChainHead

GENESIS_HASH = "0" * 64


def audit_key() -> bytes | None:
    """The chain's HMAC key (`BANGBAN_AUDIT_KEY`, kept outside the database and apart from
    SECRET_KEY). Without one, events are hashed with plain SHA-256 (the scheme of events written
    before the key was introduced; see docs/security.md)."""
    key = getattr(settings, "BANGBAN_AUDIT_KEY", "")
    return key.encode("utf-8") if key else None


def digest_content(content: bytes, key: bytes | None) -> str:
    """HMAC-SHA256 of an event's canonical content under `key`, or plain SHA-256 without one."""
    if key is None:
        return hashlib.sha256(content).hexdigest()
    return hmac.digest(key, content, "sha256").hex()


def _default(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(dt.UTC)
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted(value)
    if isinstance(value, models.Model):
        return value.pk
    return str(value)


_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_default)


def canonical_json(value: Any) -> str:
    return _ENCODER.encode(value)


def _parse_float(text: str) -> float | int | str:
    number = float(text)
    if number != number or number in (float("inf"), float("-inf")):
        return text
    # PostgreSQL's jsonb prints a large integral float (1e+16 …) as plain digits, which reads
    # back as an int: store it as that int from the start so the hash survives the round trip.
    if number.is_integer() and abs(number) >= 1e16:
        return int(number)
    return number


def normalise(value: Any) -> Any:
    """What is hashed must be exactly what the database gives back: round-trip through JSON
    (NaN and infinities, which jsonb refuses, become strings)."""
    if value is None:
        return None
    return json.loads(canonical_json(value), parse_float=_parse_float, parse_constant=str)


def format_at(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash(
    *,
    seq: int,
    at: dt.datetime,
    actor_id: int | None,
    actor_name: str,
    action: str,
    object_type: str,
    object_id: str,
    object_repr: str,
    before: Any,
    after: Any,
    ip: str | None,
    source: str,
    prev_hash: str,
    key: bytes | bool | None = True,
) -> str:
    """The event's hash: HMAC-SHA256 under the audit key (`key=True`, the default), under a given
    key, or plain SHA-256 (`key=None`: the legacy scheme)."""
    content = canonical_json(
        [
            seq,
            format_at(at),
            actor_id,
            actor_name,
            action,
            object_type,
            object_id,
            object_repr,
            before,
            after,
            ip,
            source,
            prev_hash,
        ]
    )
    return digest_content(content.encode("utf-8"), audit_key() if key is True else (key or None))


def normalise_ip(value: str | None) -> str | None:
    """The address exactly as both databases give it back (PostgreSQL's inet and Django's own
    IPv6 cleaning agree on this form); anything that is not an address (a forged or garbled
    X-Forwarded-For) is dropped rather than failing the change it belongs to."""
    if not value:
        return None
    text = value.strip().split("%", 1)[0]  # no IPv6 zone ids: inet refuses them
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return f"::ffff:{address.ipv4_mapped}"
        if 1 < int(address) < 2**32:  # deprecated IPv4-compatible form: keep the IPv4 address
            return str(ipaddress.IPv4Address(int(address)))
    return str(address)


def snapshot(instance: models.Model, fields: list[str] | None = None, exclude: tuple[str, ...] = ()) -> dict:
    """The concrete field values of a row, JSON-ready (foreign keys as ids)."""
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        if field.name in exclude or field.name in {"password"}:
            continue
        data[field.attname] = getattr(instance, field.attname)
    return normalise(data)


def diff(before: dict | None, after: dict | None) -> tuple[dict | None, dict | None]:
    """Keep only the keys that changed (both sides), so events stay small and readable."""
    if not before or not after:
        return before, after
    changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
    return {k: before.get(k) for k in sorted(changed)}, {k: after.get(k) for k in sorted(changed)}


@dataclass(frozen=True)
class Entry:
    """One event to append with `record_many()` (the arguments of `record()`)."""

    action: str
    actor: Any = None
    obj: models.Model | None = None
    object_type: str | None = None
    object_id: str | int | None = None
    object_repr: str | None = None
    before: Any = None
    after: Any = None
    source: str | None = None
    ip: str | None = None


def _fields(entry: Entry) -> dict[str, Any]:
    object_type, object_id, object_repr = entry.object_type, entry.object_id, entry.object_repr
    if entry.obj is not None:
        object_type = object_type or entry.obj._meta.label_lower
        object_id = entry.obj.pk if object_id is None else object_id
        object_repr = object_repr if object_repr is not None else str(entry.obj)[:200]
    ip, source = entry.ip, entry.source
    ctx = current_context()
    if ctx is not None:
        ip = ip or ctx.ip
        source = source or ctx.source
    actor = entry.actor
    return {
        "actor_id": getattr(actor, "pk", None),
        "actor_name": (getattr(actor, "display_name", None) or getattr(actor, "username", "") or "系统")[:80],
        "action": entry.action,
        "object_type": object_type or "",
        "object_id": "" if object_id is None else str(object_id),
        "object_repr": (object_repr or "")[:200],
        "before": normalise(entry.before),
        "after": normalise(entry.after),
        "ip": normalise_ip(ip),
        "source": (source or "system")[:10],
    }


def record_many(entries: Iterable[Entry]) -> list[AuditEvent]:
    """Append several events to the chain under one lock of its head, in one INSERT. Must run
    inside the caller's transaction, like `record()`; the events get consecutive sequence numbers
    in the order given."""
    prepared = [_fields(entry) for entry in entries]
    if not prepared:
        return []
    # Inside the caller's transaction no savepoint is needed: any error here aborts the change.
    with transaction.atomic(savepoint=False):
        head = _lock_head()
        # The time is taken under the lock so that sequence order and time order agree.
        at = timezone.now()
        seq, prev = head.last_seq, head.last_hash
        key = audit_key()
        events = []
        for fields in prepared:
            seq += 1
            digest = event_hash(seq=seq, prev_hash=prev, at=at, key=key, **fields)
            events.append(AuditEvent(seq=seq, prev_hash=prev, hash=digest, at=at, **fields))
            prev = digest
        head.last_seq, head.last_hash = seq, prev
        _append(events, head)
    return events


def _lock_head() -> ChainHead:
    """The chain head, locked until the caller's transaction ends: one plain statement (every
    change of every case passes here), created on first use."""
    connection = transaction.get_connection()
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    sql = f"SELECT {rawsql.columns(ChainHead, 'h', connection.alias)} FROM {rawsql.table(ChainHead, connection.alias)} "
    with connection.cursor() as cursor:
        cursor.execute(f'{sql}"h" WHERE "h"."id" = 1{lock}')
        row = cursor.fetchone()
    if row is None:
        head, _ = ChainHead.objects.select_for_update().get_or_create(pk=1)
        return head
    return rawsql.load(ChainHead, row, 0, connection.alias)


def _append(events: list[AuditEvent], head: ChainHead) -> None:
    """Write the events and move the (locked) head to the last of them. On PostgreSQL one
    statement does both (the head's UPDATE in a data-modifying WITH of the events' INSERT), so the
    head lock is held one round trip less; elsewhere an INSERT and an UPDATE."""
    connection = transaction.get_connection()
    if connection.vendor != "postgresql":
        AuditEvent.objects.bulk_create(events)
        head.save(update_fields=["last_seq", "last_hash"])
        return
    meta = AuditEvent._meta
    query = InsertQuery(AuditEvent)
    query.insert_values([f for f in meta.concrete_fields if not f.primary_key], list[models.Model](events))
    compiler = query.get_compiler(connection=connection)
    compiler.returning_fields = [meta.pk]
    [(insert_sql, params)] = compiler.as_sql()
    q = connection.ops.quote_name
    table = q(ChainHead._meta.db_table)
    sql = (
        f"WITH {q('advance')} AS (UPDATE {table} SET {q('last_seq')} = %s, {q('last_hash')} = %s "
        f"WHERE {q('id')} = %s) {insert_sql}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [head.last_seq, head.last_hash, head.pk, *params])
        ids = [row[0] for row in cursor.fetchall()]
    for event, pk in zip(events, ids, strict=True):
        event.pk = pk
        event._state.adding = False
        event._state.db = connection.alias


def record(
    action: str,
    *,
    actor: Any = None,
    obj: models.Model | None = None,
    object_type: str | None = None,
    object_id: str | int | None = None,
    object_repr: str | None = None,
    before: Any = None,
    after: Any = None,
    source: str | None = None,
    ip: str | None = None,
) -> AuditEvent:
    """Append one event to the chain. Must run inside the caller's transaction (it is part of the
    change: if the change rolls back, so does its event)."""
    entry = Entry(action, actor, obj, object_type, object_id, object_repr, before, after, source, ip)
    return record_many([entry])[0]


def record_personal_data_view(
    user: Any, obj: models.Model, fields: Iterable[str], *, object_id: str | int | None = None
) -> AuditEvent:
    """Record that `user` was shown the protected personal data `fields` (phone, ID number …) of
    `obj` unmasked (R0.4/R0.5). Call it where the unmasked value is rendered or exported."""
    return record(
        "personal_data.view",
        actor=user,
        obj=obj,
        object_id=object_id,
        after={"fields": sorted(set(fields))},
    )
