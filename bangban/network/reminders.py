"""Reminders to officers before a period ends (R3.2 monthly contact, R4.2 quarterly visit).

The scheduler claims (job, period) once across all instances, so each reminder goes out once per
month or quarter; the outbox dedupe key makes a re-run of the same period send nothing twice.
"Before the end" counts working days (`bangban.workdays`), not calendar days."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from bangban.accounts.models import User
from bangban.notifications.actions import notify_user
from bangban.workdays.service import workdays_between

from . import queries
from .rules import Quarter, month_span

MONTH_REMINDER_WORKDAYS = 3
QUARTER_REMINDER_WORKDAYS = 10


def month_period(now: dt.datetime) -> str | None:
    """The month's key once it has at most MONTH_REMINDER_WORKDAYS working days left."""
    today = timezone.localdate(now)
    _, end = month_span(today.year, today.month)
    if workdays_between(today, end) > MONTH_REMINDER_WORKDAYS:
        return None
    return f"{today:%Y-%m}"


def quarter_period(now: dt.datetime) -> str | None:
    today = timezone.localdate(now)
    quarter = Quarter.of(today)
    if workdays_between(today, quarter.end) > QUARTER_REMINDER_WORKDAYS:
        return None
    return quarter.code


def remind_officers(now: dt.datetime | None = None, *, visits: bool = False) -> int:
    """Remind every officer with an enterprise not yet contacted this month (or, with `visits`,
    not yet visited this quarter). Returns how many officers were reminded."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    quarter = Quarter.of(today)
    period = queries.period_for(quarter, today)
    gaps = queries.officers_with_gaps(period)
    key = f"network.remind.{'visit:' + quarter.code if visits else 'contact:' + f'{today:%Y-%m}'}"
    link = reverse("network:mine")
    sent = 0
    for officer in User.objects.filter(pk__in=list(gaps), is_active=True):
        missing_contacts, missing_visits = gaps[officer.pk]
        count = missing_visits if visits else missing_contacts
        if not count:
            continue
        if visits:
            subject = f"提醒：本季度还有 {count} 家挂钩企业未上门走访"
            body = f"{quarter.label}即将结束，您挂钩的企业中还有 {count} 家本季度未上门走访，请尽快安排走访并登记。"
        else:
            subject = f"提醒：本月还有 {count} 家挂钩企业未联系"
            body = f"{today.month}月即将结束，您挂钩的企业中还有 {count} 家本月未联系，请尽快联系并登记。"
        notify_user(
            officer, subject, body, link=link, channels=("inapp", "sms"), dedupe_key_prefix=key, now=now
        )
        sent += 1
    return sent
