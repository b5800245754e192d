"""Periodic jobs of escalation."""

from __future__ import annotations

from bangban.core.scheduler import Job, daily_at, every_minutes, register

from .tasks import remind_supervision_task, remind_tasks_task, sweep_escalations_task

register(
    Job(
        name="escalation.sweep",
        period=every_minutes(15),
        task=sweep_escalations_task,
        description="每15分钟将本级时限届满仍未办结的诉求自动升级会办（每级至多一次）",
    )
)

register(
    Job(
        name="escalation.remind_supervision",
        period=daily_at(8, 30),
        task=remind_supervision_task,
        description="每日提醒即将到期或已超期的督办单",
    )
)

register(
    Job(
        name="escalation.remind_tasks",
        period=daily_at(8, 35),
        task=remind_tasks_task,
        description="每日提醒责任单位负责人：1个工作日内到期或已超期的会议议定任务（每件每日至多一次）",
    )
)
