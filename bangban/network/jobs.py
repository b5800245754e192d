"""Periodic jobs of the service network: reminders to officers and to the lead units of their
areas, once per month and per quarter."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import timezone

from bangban.core.scheduler import Job, register

from .reminders import month_period, quarter_period
from .tasks import (
    remind_lead_units_monthly_task,
    remind_lead_units_quarterly_task,
    remind_monthly_contacts_task,
    remind_quarterly_visits_task,
)


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

register(
    Job(
        name="network.remind_lead_units_monthly",
        period=_after_nine(month_period),
        task=remind_lead_units_monthly_task,
        description="月末前3个工作日提醒市工信局及各县区、功能区牵头单位：辖区内本月尚有企业未联系的帮办专员（每单位每月一次）",
    )
)

register(
    Job(
        name="network.remind_lead_units_quarterly",
        period=_after_nine(quarter_period),
        task=remind_lead_units_quarterly_task,
        description="季末前10个工作日提醒市工信局及各县区、功能区牵头单位：辖区内本季度尚有企业未走访的帮办专员（每单位每季度一次）",
    )
)
