"""Writing to the outbox and the inbox (R0.6).

`notify` writes one outbox row in the caller's transaction and enqueues its delivery only when that
transaction commits: a change that rolls back never sends anything, and a message whose enqueue is
lost (a crash right after commit) is still found by the sweep.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from bangban.accounts.models import User
from bangban.audit.actions import diff, record, snapshot
from bangban.core.errors import InvalidTransition, NotFound, ValidationFailed
from bangban.core.kit import durable_action
from bangban.core.urls_abs import absolute_url

from .models import Channel, InAppMessage, OutboxMessage, OutboxStatus
from .one_time import ONE_TIME_MASK, ONE_TIME_PREFIX, is_one_time
from .tasks import deliver_message, deliver_messages

log = logging.getLogger("bangban.notifications")


def _enqueue_delivery(message_id: int) -> None:
    deliver_message.enqueue(message_id)


def _schedule_delivery(message_id: int) -> None:
    # robust: a failing enqueue must not break the request that committed; the sweep sends it.
    transaction.on_commit(lambda: _enqueue_delivery(message_id), robust=True)


def _link_for(channel: str, link: str) -> str:
    """A text message or an e-mail is read outside the site: its link is made absolute on the
    configured site address (`BANGBAN_SITE_URL`); an in-app link stays a path."""
    return absolute_url(link) if channel in (Channel.SMS, Channel.EMAIL) else link


def notify(
    *,
    channel: str,
    subject: str,
    body: str,
    recipient: Any = None,
    address: str = "",
    link: str = "",
    dedupe_key: str | None = None,
    now: dt.datetime | None = None,
    one_time: bool = False,
) -> OutboxMessage:
    """Queue one message. Call it inside the transaction of the change it reports. With a
    `dedupe_key`, notifying again returns the message already queued under that key. A
    `one_time` message (an SMS code) is shown as `ONE_TIME_MASK` from the moment it is queued: its
    text is kept apart (`sealed_body`, never displayed) for the delivery backend only, until it is
    sent or given up (`forget_one_time_body`); the console backend never prints it in production."""
    if channel not in Channel.values:
        raise ValidationFailed(f"未知的消息渠道：{channel}", code="unknown_channel")
    address = (address or "").strip()
    if channel == Channel.INAPP and recipient is None:
        raise ValidationFailed("站内消息必须指定接收人", code="recipient_required")
    if channel in (Channel.SMS, Channel.EMAIL) and not address:
        raise ValidationFailed("短信和邮件必须指定手机号或邮箱", code="address_required")
    if not subject.strip():
        raise ValidationFailed("消息标题不能为空", code="subject_required")
    link = _link_for(channel, link)
    if one_time:
        dedupe_key = f"{ONE_TIME_PREFIX}{uuid.uuid4().hex}"
    if dedupe_key:
        existing = OutboxMessage.objects.filter(dedupe_key=dedupe_key).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            message = OutboxMessage.objects.create(
                channel=channel,
                recipient=recipient,
                address=address[:200],
                subject=subject.strip()[:200],
                body=ONE_TIME_MASK if one_time else body,
                sealed_body=body if one_time else "",
                link=link[:300],
                dedupe_key=dedupe_key or None,
                next_attempt_at=now or timezone.now(),
            )
    except IntegrityError:
        if not dedupe_key:
            raise
        # Another transaction queued the same key between our check and our insert.
        return OutboxMessage.objects.get(dedupe_key=dedupe_key)
    _schedule_delivery(message.pk)
    return message


def address_for(user: User, channel: str) -> str:
    if channel == Channel.SMS:
        return getattr(user, "phone", "") or ""
    if channel == Channel.EMAIL:
        return getattr(user, "email", "") or ""
    return ""


def _addresses(user: User, channels: Iterable[str], subject: str) -> Iterator[tuple[str, str]]:
    """(channel, address) for each channel the user can be reached on; the others are logged."""
    for channel in channels:
        address = address_for(user, channel)
        if channel != Channel.INAPP and not address:
            log.info("user %s has no address for %s; message %r not queued", user.pk, channel, subject)
            continue
        yield channel, address


def notify_user(
    user: User,
    subject: str,
    body: str,
    link: str = "",
    channels: Iterable[str] = ("inapp",),
    dedupe_key_prefix: str | None = None,
    now: dt.datetime | None = None,
) -> list[OutboxMessage]:
    """Queue the message to `user` on each channel; channels the user has no address for (no phone
    for SMS, no e-mail) are skipped."""
    messages = []
    for channel, address in _addresses(user, channels, subject):
        messages.append(
            notify(
                channel=channel,
                subject=subject,
                body=body,
                recipient=user,
                address=address,
                link=link,
                dedupe_key=f"{dedupe_key_prefix}:{channel}:{user.pk}" if dedupe_key_prefix else None,
                now=now,
            )
        )
    return messages


def _schedule_deliveries(message_ids: list[int]) -> None:
    def enqueue() -> None:
        deliver_messages.enqueue(message_ids)

    transaction.on_commit(enqueue, robust=True)


def notify_users(
    users: Iterable[Any],
    subject: str,
    body: str,
    link: str = "",
    channels: Iterable[str] = ("inapp",),
    now: dt.datetime | None = None,
) -> list[OutboxMessage]:
    """`notify_user()` for many recipients at once: one INSERT for all the messages and one
    delivery task once the caller's transaction commits. No de-duplication keys (use
    `notify_user()` for messages that must be queued at most once)."""
    return notify_each([(user, subject, body, link) for user in users], channels=channels, now=now)


def notify_each(
    messages: Iterable[tuple[Any, str, str, str]],
    channels: Iterable[str] = ("inapp",),
    now: dt.datetime | None = None,
) -> list[OutboxMessage]:
    """Queue many different messages — `(recipient, subject, body, link)` — on each channel in
    one INSERT, with one delivery task once the caller's transaction commits."""
    channels = list(channels)
    unknown = [c for c in channels if c not in Channel.values]
    if unknown:
        raise ValidationFailed(f"未知的消息渠道：{unknown[0]}", code="unknown_channel")
    at = now or timezone.now()
    rows = []
    for user, subject, body, link in messages:
        if not subject.strip():
            raise ValidationFailed("消息标题不能为空", code="subject_required")
        for channel, address in _addresses(user, channels, subject):
            rows.append(
                OutboxMessage(
                    channel=channel,
                    recipient_id=user.pk,
                    address=address[:200],
                    subject=subject.strip()[:200],
                    body=body,
                    link=_link_for(channel, link)[:300],
                    next_attempt_at=at,
                )
            )
    if not rows:
        return []
    with transaction.atomic(savepoint=False):
        queued = OutboxMessage.objects.bulk_create(rows)
    _schedule_deliveries([m.pk for m in queued])
    return queued


@durable_action
def do_retry_message(*, acting_user: User, message_id: int, now: dt.datetime | None = None) -> OutboxMessage:
    """An administrator sends a failed message again: back to pending with a fresh attempt count."""
    now = now or timezone.now()
    message = OutboxMessage.objects.select_for_update().filter(pk=message_id).first()
    if message is None:
        raise NotFound()
    if message.status != OutboxStatus.FAILED:
        raise InvalidTransition("只有发送失败的消息可以重发")
    if is_one_time(message):
        # Its code is gone (and expired): the person asks for a new one.
        raise InvalidTransition("一次性验证码不能重发，请对方重新获取验证码")
    before = snapshot(message, fields=["status", "attempts", "next_attempt_at", "lease_until"])
    message.status = OutboxStatus.PENDING
    message.attempts = 0
    message.next_attempt_at = now
    message.lease_until = None
    message.save(update_fields=["status", "attempts", "next_attempt_at", "lease_until"])
    after = snapshot(message, fields=["status", "attempts", "next_attempt_at", "lease_until"])
    old, new = diff(before, after)
    record("notifications.retry", actor=acting_user, obj=message, before=old, after=new)
    _schedule_delivery(message.pk)
    return message


def mark_read(*, acting_user: User, message_id: int, now: dt.datetime | None = None) -> InAppMessage:
    """Mark one of the user's own in-app messages read. (Reading one's inbox is not a change of
    business state, so it is not written to the audit log.)"""
    message = InAppMessage.objects.filter(pk=message_id, user=acting_user).first()
    if message is None:
        raise NotFound()
    if message.read_at is None:
        message.read_at = now or timezone.now()
        InAppMessage.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=message.read_at)
    return message


def mark_all_read(*, acting_user: User, now: dt.datetime | None = None) -> int:
    return InAppMessage.objects.filter(user=acting_user, read_at__isnull=True).update(
        read_at=now or timezone.now()
    )
