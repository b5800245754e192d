"""Periodic jobs of the outbox."""

from __future__ import annotations

from bangban.core.scheduler import Job, every_minutes, register

from .tasks import deliver_due_messages

register(
    Job(
        name="notifications.deliver_due",
        period=every_minutes(1),
        task=deliver_due_messages,
        description="发送到期的待发消息",
    )
)
