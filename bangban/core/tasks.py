"""Background tasks of the platform."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task


@task()
def run_export(job_id: str) -> str:
    """Write a queued Excel export (`bangban.core.exports`)."""
    from .exports import run_export as run

    return run(job_id, timezone.now())


@task()
def purge_exports_task() -> int:
    from .exports import purge_exports

    return purge_exports(timezone.now())


@task()
def recover_stalled_tasks_task() -> dict[str, int]:
    """Queue again the tasks of workers whose heartbeat stopped (bangban.core.worker)."""
    from .worker import recover_stalled_tasks

    return recover_stalled_tasks(timezone.now())
