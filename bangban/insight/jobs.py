"""Periodic jobs of insight: the weekly training of the routing model, and the hotspot run
(堵点分析) over the configured window on the 1st of each month (the month's 堵点 list) and every
night (what grew since yesterday)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import timezone

from bangban.core.scheduler import Job, daily_at, register

from .hotspots_tasks import scheduled_hotspots_task
from .tasks import scheduled_routing_training_task


def weekly_at(weekday: int, hour: int, minute: int = 0) -> Callable[[dt.datetime], str | None]:
    """Once a week, from `weekday` (0 = Monday) `hour`:`minute` local time; the period is the
    ISO week ("2026-W49")."""

    def period(now: dt.datetime) -> str | None:
        local = timezone.localtime(now)
        if (local.weekday(), local.hour, local.minute) < (weekday, hour, minute):
            return None
        year, week, _ = local.isocalendar()
        return f"{year}-W{week:02d}"

    return period


def monthly_on_first_at(hour: int, minute: int = 0) -> Callable[[dt.datetime], str | None]:
    def period(now: dt.datetime) -> str | None:
        local = timezone.localtime(now)
        if local.day != 1 or (local.hour, local.minute) < (hour, minute):
            return None
        return f"{local:%Y-%m}"

    return period


register(
    Job(
        name="insight.train_routing",
        period=weekly_at(6, 2, 0),
        task=scheduled_routing_training_task,
        description="每周日凌晨用已办结案例重新训练智能分派模型（优于启用中的模型时才替换）",
    )
)

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
