"""Periodic job of the connector."""

from __future__ import annotations

from bangban.core.scheduler import Job, every_minutes, register

from .tasks import sync_status_task

register(
    Job(
        name="gridnet.sync_status",
        period=every_minutes(1),
        task=sync_status_task,
        description="向一张网平台回传诉求状态变化（失败按间隔重试）",
    )
)
