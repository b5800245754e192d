"""Periodic jobs of insight: the hotspot run (堵点分析) over the configured window, on the 1st of
each month (the month's 堵点 list) and every night (what grew since yesterday)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import timezone

from bangban.core.scheduler import Job, daily_at, register

from .hotspots_tasks import scheduled_hotspots_task


def monthly_on_first_at(hour: int, minute: int = 0) -> Callable[[dt.datetime], str | None]:
    def period(now: dt.datetime) -> str | None:
        local = timezone.localtime(now)
        if local.day != 1 or (local.hour, local.minute) < (hour, minute):
            return None
        return f"{local:%Y-%m}"

    return period


register(
    Job(
        name="insight.hotspots_monthly",
        period=monthly_on_first_at(3, 0),
        task=scheduled_hotspots_task,
        description="每月1日分析近30天（可配置）诉求的堵点：热度、苗头性、典型性、集中性",
    )
)

register(
    Job(
        name="insight.hotspots_daily",
        period=daily_at(3, 30),
        task=scheduled_hotspots_task,
        description="每日更新近30天（可配置）诉求的堵点分析",
    )
)
