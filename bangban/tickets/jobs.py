"""Periodic jobs of the case system."""

from __future__ import annotations

from bangban.core.scheduler import Job, daily_at, every_minutes, register

from .tasks import recompute_provisional_deadlines_task, sweep_deadlines_task

register(
    Job(
        name="tickets.sweep_deadlines",
        period=every_minutes(5),
        task=sweep_deadlines_task,
        description="每5分钟标记临期、超期诉求并提醒承办人、单位负责人和派单员",
    )
)

register(
    Job(
        name="tickets.recompute_provisional_deadlines",
        period=daily_at(3, 10),
        task=recompute_provisional_deadlines_task,
        description="每日重算按临时日历推算的办理期限（新年度日历导入后）",
    )
)
