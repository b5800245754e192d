"""Background work of insight: training the routing model (on request and weekly)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from .training import run_scheduled_training, run_training


@task()
def train_routing_task() -> str:
    """Train the routing model claimed by 「立即训练」 (`actions.do_request_training`)."""
    return run_training(timezone.now())


@task()
def scheduled_routing_training_task() -> str:
    """The weekly training; skipped when a training is already running."""
    return run_scheduled_training(timezone.now())
