"""One-time messages (an SMS code): their body is kept only until the message is sent or given up,
and the console backend never prints it in production. They are marked by the prefix of their
dedupe key (no schema change needed)."""

from __future__ import annotations

from .models import OutboxMessage, OutboxStatus

ONE_TIME_PREFIX = "one-time:"
ONE_TIME_MASK = "（一次性验证码，发送后不再保留）"


def is_one_time(message: OutboxMessage) -> bool:
    return bool(message.dedupe_key and message.dedupe_key.startswith(ONE_TIME_PREFIX))


def forget_one_time_body(message_id: int) -> None:
    """Blank the body of a one-time message once it is no longer pending (sent or given up)."""
    OutboxMessage.objects.filter(pk=message_id, dedupe_key__startswith=ONE_TIME_PREFIX).exclude(
        status=OutboxStatus.PENDING
    ).update(body=ONE_TIME_MASK)
