"""Background work of the service network: reminders before a month or quarter ends."""

from __future__ import annotations

from django_tasks import task

from .reminders import remind_officers


@task()
def remind_monthly_contacts_task() -> int:
    return remind_officers()


@task()
def remind_quarterly_visits_task() -> int:
    return remind_officers(visits=True)
