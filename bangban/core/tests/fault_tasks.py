"""Tasks used by the fault tests (importable by path, as the database queue requires)."""

from __future__ import annotations

import time
from typing import Any

from django_tasks import task

from bangban.core.models import ScheduledRun


@task()
def mark(n: int) -> int:
    """Idempotent: one row per n, however often it runs."""
    time.sleep(0.02)
    ScheduledRun.objects.get_or_create(job="fault-test", period=str(n))
    return n


@task()
def slow_policy_push(push_id: int, batch_size: int, pause: float) -> dict[str, int]:
    """The real policy push, in small batches that take a while (so a worker can be killed in the
    middle of it)."""
    from bangban.outreach import policies

    original_batch, original_notify = policies.BATCH_SIZE, policies.notify_users

    def slow_notify(*args: Any, **kwargs: Any) -> Any:
        time.sleep(pause)
        return original_notify(*args, **kwargs)

    policies.BATCH_SIZE, policies.notify_users = batch_size, slow_notify
    try:
        push = policies.run_push(push_id)
    finally:
        policies.BATCH_SIZE, policies.notify_users = original_batch, original_notify
    return {"total": push.total, "delivered": push.delivered}
