"""Periodic jobs of insight."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import timezone

from bangban.core.scheduler import Job, register

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


register(
    Job(
        name="insight.train_routing",
        period=weekly_at(6, 2, 0),
        task=scheduled_routing_training_task,
        description="每周日凌晨用已办结案例重新训练智能分派模型（优于启用中的模型时才替换）",
    )
)
