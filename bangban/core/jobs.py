"""Periodic jobs of the platform."""

from __future__ import annotations

from bangban.core.scheduler import Job, daily_at, register

from .tasks import purge_exports_task

register(
    Job(
        name="core.purge_exports",
        period=daily_at(2, 40),
        task=purge_exports_task,
        description="每日删除超过保留期限的后台导出文件",
    )
)
