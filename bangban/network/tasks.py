"""Background work of the service network: reminders before a month or quarter ends, to the
officers behind and to the lead units of their areas."""

from __future__ import annotations

from django_tasks import task

from .reminders import remind_lead_units, remind_officers


@task()
def remind_monthly_contacts_task() -> int:
    return remind_officers()


@task()
def remind_quarterly_visits_task() -> int:
    return remind_officers(visits=True)


@task()
def remind_lead_units_monthly_task() -> int:
    return remind_lead_units()


@task()
def remind_lead_units_quarterly_task() -> int:
    return remind_lead_units(visits=True)
