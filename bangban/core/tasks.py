"""Background tasks of the platform."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from . import exports
from .worker import recover_stalled_tasks


@task()
def run_export(job_id: str) -> str:
    """Write a queued Excel export (`bangban.core.exports`)."""
    return exports.run_export(job_id, timezone.now())


@task()
def purge_exports_task() -> int:
    return exports.purge_exports(timezone.now())


@task()
def recover_stalled_tasks_task() -> dict[str, int]:
    """Queue again the tasks of workers whose heartbeat stopped (bangban.core.worker)."""

    return recover_stalled_tasks(timezone.now())
