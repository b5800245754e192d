"""Periodic jobs of the platform."""

from __future__ import annotations

from bangban.core.scheduler import Job, daily_at, every_minutes, register

from .tasks import purge_exports_task, recover_stalled_tasks_task

register(
    Job(
        name="core.purge_exports",
        period=daily_at(2, 40),
        task=purge_exports_task,
        description="每日删除超过保留期限的后台导出文件",
    )
)
register(
    Job(
        name="core.recover_stalled_tasks",
        period=every_minutes(1),
        task=recover_stalled_tasks_task,
        description="每分钟将失联任务进程留下的任务重新排队（任务进程执行任务前也会检查）",
    )
)
