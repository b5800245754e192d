"""Background work of hotspots: a queued run, and the scheduled run (monthly and daily)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from .hotspots_run import run_hotspots, scheduled_run


@task()
def run_hotspots_task(run_id: int) -> str:
    """Carry out a run asked for on the page or the API."""
    return run_hotspots(int(run_id))


@task()
def scheduled_hotspots_task() -> str:
    """The scheduled run over the configured window ending now (`BANGBAN_HOTSPOT_WINDOW_DAYS`)."""
    with transaction.atomic():
        run = scheduled_run(timezone.now())
    return run_hotspots(run.pk) if run is not None else "skipped"
