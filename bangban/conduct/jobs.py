"""Periodic jobs of the conduct registers: the month's flags, recomputed every hour."""

from __future__ import annotations

from bangban.core.scheduler import Job, every_minutes, register

from .tasks import compute_flags_task

register(
    Job(
        name="conduct.compute_flags",
        period=every_minutes(60),
        task=compute_flags_task,
        description="每小时重新计算本月入企登记的作风预警（安静期检查、入企过频、无任务编号、企业反映）",
    )
)
