"""Delivering the outbox: claim due messages with a lease, send, record the outcome.

A claim is one conditional UPDATE over the oldest due rows (pending, due, and no live lease) that
returns the ids it leased — on PostgreSQL with `FOR UPDATE SKIP LOCKED`, on SQLite inside the
single writer lock — so however many workers sweep at once, each message is claimed by exactly
one of them while its lease lives. The backend is called outside any transaction. Success marks
the message sent; a failure counts the attempt and schedules the next one with exponential
back-off, and after NOTIFICATION_MAX_ATTEMPTS marks it failed (shown to administrators, who may
retry it). A worker that dies mid-send leaves its lease behind; when the lease expires the next
sweep claims the message again, so nothing is lost (delivery is at least once).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connections, router
from django.db.models import Q

from .backends import backend_for
from .models import OutboxMessage, OutboxStatus
from .one_time import deliverable_text, forget_one_time_body, mask_one_time_text
from .workflow import backoff_seconds, is_final_attempt

log = logging.getLogger("bangban.notifications")

LEASE_SECONDS = 120


def due_q(now: dt.datetime) -> Q:
    return Q(status=OutboxStatus.PENDING, next_attempt_at__lte=now) & (
        Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    )


def _claim_one(message_id: int, now: dt.datetime, lease_until: dt.datetime) -> bool:
    return bool(OutboxMessage.objects.filter(due_q(now), pk=message_id).update(lease_until=lease_until))


def claim_due(now: dt.datetime, limit: int = 100, lease_seconds: int = LEASE_SECONDS) -> list[int]:
    """Lease up to `limit` of the oldest due messages to this worker until now + lease_seconds and
    return their ids. Rows another worker holds are never returned. (UPDATE … RETURNING: the
    product's two databases, SQLite ≥ 3.35 and PostgreSQL, both have it.)"""
    lease_until = now + dt.timedelta(seconds=lease_seconds)
    connection = connections[router.db_for_write(OutboxMessage)]
    lock = " FOR UPDATE SKIP LOCKED" if connection.vendor == "postgresql" else ""
    table = connection.ops.quote_name(OutboxMessage._meta.db_table)
    ops = connection.ops
    sql = (
        f"UPDATE {table} SET lease_until = %s WHERE id IN ("
        f"SELECT id FROM {table} WHERE status = %s AND next_attempt_at <= %s"
        f" AND (lease_until IS NULL OR lease_until < %s)"
        f" ORDER BY next_attempt_at, id LIMIT %s{lock}) RETURNING id"
    )
    params = [
        ops.adapt_datetimefield_value(lease_until),
        OutboxStatus.PENDING.value,
        ops.adapt_datetimefield_value(now),
        ops.adapt_datetimefield_value(now),
        limit,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return sorted(row[0] for row in cursor.fetchall())


def _send(message: OutboxMessage, lease_until: dt.datetime, now: dt.datetime) -> str:
    try:
        backend_for(message.channel).send(deliverable_text(message))
    except Exception as exc:
        attempts = message.attempts + 1
        error = mask_one_time_text(message, f"{type(exc).__name__}: {exc}")[:2000]
        mine = OutboxMessage.objects.filter(
            pk=message.pk, status=OutboxStatus.PENDING, lease_until=lease_until
        )
        if is_final_attempt(attempts, settings.NOTIFICATION_MAX_ATTEMPTS):
            mine.update(status=OutboxStatus.FAILED, attempts=attempts, last_error=error, lease_until=None)
            log.error("notification %s failed for good after %s attempts: %s", message.pk, attempts, error)
            forget_one_time_body(message.pk)
            return "failed"
        next_at = now + dt.timedelta(seconds=backoff_seconds(attempts))
        mine.update(attempts=attempts, last_error=error, next_attempt_at=next_at, lease_until=None)
        log.warning(
            "notification %s attempt %s failed, retry at %s: %s", message.pk, attempts, next_at, error
        )
        return "retry"
    # Sent is sent, even if our lease ran out meanwhile and another worker is retrying it.
    OutboxMessage.objects.filter(pk=message.pk).exclude(status=OutboxStatus.SENT).update(
        status=OutboxStatus.SENT, sent_at=now, attempts=message.attempts + 1, lease_until=None, last_error=""
    )
    forget_one_time_body(message.pk)
    return "sent"


def send_claimed(message_id: int, lease_until: dt.datetime, now: dt.datetime) -> str:
    """Send a message this worker holds the lease on; returns "sent", "retry" or "failed"."""
    message = OutboxMessage.objects.select_related("recipient").filter(pk=message_id).first()
    if message is None:
        return "skipped"
    return _send(message, lease_until, now)


def deliver(message_id: int, now: dt.datetime, lease_seconds: int = LEASE_SECONDS) -> str:
    """Claim and send one message if it is due and free; "skipped" otherwise (already sent, not
    due yet, or leased by another worker)."""
    lease_until = now + dt.timedelta(seconds=lease_seconds)
    if not _claim_one(message_id, now, lease_until):
        return "skipped"
    return send_claimed(message_id, lease_until, now)


@dataclass
class SweepResult:
    outcomes: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.outcomes.values())


def deliver_due(
    now: dt.datetime, limit: int = 100, lease_seconds: int = LEASE_SECONDS, max_batches: int = 20
) -> SweepResult:
    """The sweep: claim and send due messages in batches until none are left (or max_batches)."""
    result = SweepResult()
    lease_until = now + dt.timedelta(seconds=lease_seconds)
    for _ in range(max_batches):
        claimed = claim_due(now, limit=limit, lease_seconds=lease_seconds)
        if not claimed:
            break
        messages = OutboxMessage.objects.select_related("recipient").in_bulk(claimed)
        for message_id in claimed:
            message = messages.get(message_id)
            outcome = "skipped" if message is None else _send(message, lease_until, now)
            result.outcomes[outcome] = result.outcomes.get(outcome, 0) + 1
    return result
