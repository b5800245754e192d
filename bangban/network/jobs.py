"""Periodic jobs of the service network: reminders to officers, once per month and per quarter."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import timezone

from bangban.core.scheduler import Job, register

from .reminders import month_period, quarter_period
from .tasks import remind_monthly_contacts_task, remind_quarterly_visits_task


def _after_nine(period: Callable[[dt.datetime], str | None]) -> Callable[[dt.datetime], str | None]:
    """Reminders go out in office hours, from 9:00 of the first day the period is due."""

    def wrapped(now: dt.datetime) -> str | None:
        if timezone.localtime(now).hour < 9:
            return None
        return period(now)

    return wrapped


register(
    Job(
        name="network.remind_monthly_contacts",
        period=_after_nine(month_period),
        task=remind_monthly_contacts_task,
        description="月末前3个工作日提醒帮办专员联系本月尚未联系的挂钩企业（每月一次）",
    )
)

register(
    Job(
        name="network.remind_quarterly_visits",
        period=_after_nine(quarter_period),
        task=remind_quarterly_visits_task,
        description="季末前10个工作日提醒帮办专员走访本季度尚未走访的挂钩企业（每季度一次）",
    )
)
