"""Background work of the connector: queue a report for each case whose status changed, then POST
the due reports to the platform."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from .actions import deliver_due, queue_status_reports


@task()
def sync_status_task() -> dict[str, int]:
    now = timezone.now()
    queued = queue_status_reports(now)
    return {"queued": queued, **deliver_due(now)}
