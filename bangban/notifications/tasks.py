"""Background delivery of the outbox."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from .delivery import deliver, deliver_due


@task()
def deliver_message(message_id: int) -> str:
    """Send one message now (enqueued when the transaction that queued it commits)."""
    return deliver(message_id, timezone.now())


@task()
def deliver_messages(message_ids: list[int]) -> dict[str, int]:
    """Send the messages queued together by one change (`notify_users`)."""
    now = timezone.now()
    outcomes: dict[str, int] = {}
    for message_id in message_ids:
        outcome = deliver(message_id, now)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


@task()
def deliver_due_messages() -> dict[str, int]:
    """The sweep: retries that came due, and anything whose delivery task was lost."""
    return deliver_due(timezone.now()).outcomes
