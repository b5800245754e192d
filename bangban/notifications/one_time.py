"""One-time messages (an SMS code): shown as `ONE_TIME_MASK` from the moment they are queued; the
real text is kept apart (`sealed_body`, never displayed) for the delivery backend only, until the
message is sent or given up, and the console backend never prints it in production. They are marked
by the prefix of their dedupe key."""

from __future__ import annotations

import re

from django.conf import settings

from .models import OutboxMessage, OutboxStatus

# One-time messages are marked by this prefix of their dedupe key.
ONE_TIME_PREFIX = "one-time:"
ONE_TIME_MASK = "（一次性验证码，不予显示）"
ONE_TIME_DIGITS = re.compile(r"(?<!\d)\d{4,8}(?!\d)")


def is_one_time(message: OutboxMessage) -> bool:
    return bool(message.dedupe_key and message.dedupe_key.startswith(ONE_TIME_PREFIX))


def deliverable_text(message: OutboxMessage) -> OutboxMessage:
    """The message as its backend must send it: a one-time message gets its real text back (on
    this instance only; the row keeps the placeholder)."""
    if is_one_time(message) and message.sealed_body:
        message.body = message.sealed_body
    return message


def phone_text(message: OutboxMessage) -> str:
    """What the phone shows: the real text of a one-time message (while it is kept) and the link.
    Only the demo page (`BANGBAN_DEMO`) reads it."""
    body = message.sealed_body if is_one_time(message) and message.sealed_body else message.body
    return f"{body}\n{message.link}" if message.link and message.link not in body else body


def mask_one_time_text(message: OutboxMessage, text: str) -> str:
    """`text` (a delivery error, a log line) without the code of a one-time message."""
    if not is_one_time(message):
        return text
    if message.sealed_body:
        text = text.replace(message.sealed_body, ONE_TIME_MASK)
    return ONE_TIME_DIGITS.sub("******", text)


def forget_one_time_body(message_id: int) -> None:
    """Drop the text of a one-time message once it is no longer pending (sent or given up). The
    demo city (`BANGBAN_DEMO`) keeps it for its 「演示短信」 page, where the newcomer reads the
    code their phone would have received; production settings never turn the demo on."""
    if settings.BANGBAN_DEMO:
        return
    OutboxMessage.objects.filter(pk=message_id, dedupe_key__startswith=ONE_TIME_PREFIX).exclude(
        status=OutboxStatus.PENDING
    ).update(body=ONE_TIME_MASK, sealed_body="")
