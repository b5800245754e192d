"""Background work of the case system: the deadline sweep and the recomputation of provisional
deadlines. Tasks take ids (or nothing), load rows and call the sweeper / actions."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from .sweeper import recompute_provisional_deadlines, sweep_deadlines


@task()
def sweep_deadlines_task() -> dict[str, int]:
    """Mark cases entering 临期 / 超期 and notify once per threshold (safe with many workers)."""
    return sweep_deadlines(timezone.now())


@task()
def recompute_provisional_deadlines_task() -> int:
    """Recompute provisional deadlines (a year's official calendar may have been loaded since)."""
    return recompute_provisional_deadlines(timezone.now())
