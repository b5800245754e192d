"""Periodic jobs of ratings: the 回头看 draw on the 1st of each month."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from bangban.core.scheduler import Job, register

from .tasks import monthly_recheck_draw_task


def first_of_month_at(hour: int, minute: int = 0):  # type: ignore[no-untyped-def]
    def period(now: dt.datetime) -> str | None:
        local = timezone.localtime(now)
        if local.day != 1 or (local.hour, local.minute) < (hour, minute):
            return None
        return f"{local:%Y-%m}"

    return period


register(
    Job(
        name="ratings.monthly_recheck_draw",
        period=first_of_month_at(2, 30),
        task=monthly_recheck_draw_task,
        description="每月1日抽取上月办结诉求的回头看样本（10%，至少20件）",
    )
)
