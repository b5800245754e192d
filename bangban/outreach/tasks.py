"""Background work of outreach: large policy pushes and the monthly collection's steps. Tasks
take ids (or nothing) and call the bodies (`policies.run_push`, `projects`, `symposia`); those
never queue tasks themselves."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from .policies import run_push
from .projects import open_rounds_for_month, remind_rounds
from .symposia import remind_symposium


@task()
def run_policy_push_task(push_id: int) -> dict[str, int]:
    push = run_push(push_id)
    return {"total": push.total, "delivered": push.delivered}


@task()
def open_collection_rounds_task() -> int:
    """Open this month's problem collection for every county/zone with projects in service."""
    now = timezone.localtime()
    return open_rounds_for_month(now.year, now.month)


@task()
def remind_collection_rounds_task() -> int:
    """Remind the lead departments of rounds due within one working day or overdue."""
    return remind_rounds(timezone.now())


@task()
def remind_symposium_task() -> int:
    """Remind 营商办 when this half year's entrepreneurs' symposium is not arranged yet."""
    return remind_symposium(timezone.now())
