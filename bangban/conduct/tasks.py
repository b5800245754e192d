"""Background work of the conduct registers: the month's flags to 作风办."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from .flags import compute_flags
from .rules import Month

# In the first days of a month, late answers of enterprises still change last month's flags.
LOOK_BACK_DAYS = 5


@task()
def compute_flags_task() -> dict[str, dict[str, int]]:
    now = timezone.now()
    today = timezone.localdate(now)
    months = [Month.of(today)]
    if today.day <= LOOK_BACK_DAYS:
        months.append(months[0].previous())
    return {m.code: compute_flags(m, now=now) for m in months}
