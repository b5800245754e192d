"""Background work of escalation: the automatic escalation sweep, supervision and meeting task
reminders."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from .actions import remind_due_tasks, remind_open_orders
from .sweep import sweep_escalations


@task()
def sweep_escalations_task() -> dict[str, int]:
    """Escalate unresolved cases past their tier deadline, once per tier (safe with many workers)."""
    return sweep_escalations(timezone.now())


@task()
def remind_supervision_task() -> int:
    """Remind units of supervision orders due within a working day or overdue (once a day each)."""
    return remind_open_orders(timezone.now())


@task()
def remind_tasks_task() -> int:
    """Remind the owner units' heads of meeting tasks due within a working day or overdue (once a day each)."""
    return remind_due_tasks(timezone.now())
