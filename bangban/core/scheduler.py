"""The periodic-job scheduler.

Jobs are registered with a period function that maps an instant to a period key ("2026-11-27T10:05"
for a job every minute, "2026-11-27" for a daily one). Each tick, for every job, the scheduler tries
to insert ScheduledRun(job, period); the unique constraint lets exactly one instance win, and the
winner enqueues the job's task in the same transaction. Run any number of schedulers.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import ScheduledRun

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    period: Callable[[dt.datetime], str | None]  # None: not due in this instant
    task: Any  # a django_tasks Task
    description: str = ""


_REGISTRY: dict[str, Job] = {}


def every_minutes(n: int) -> Callable[[dt.datetime], str]:
    def period(now: dt.datetime) -> str:
        local = timezone.localtime(now)
        minute = (local.hour * 60 + local.minute) // n * n
        return f"{local:%Y-%m-%d}T{minute // 60:02d}:{minute % 60:02d}"

    return period


def daily_at(hour: int, minute: int = 0) -> Callable[[dt.datetime], str | None]:
    def period(now: dt.datetime) -> str | None:
        local = timezone.localtime(now)
        if (local.hour, local.minute) < (hour, minute):
            return None
        return f"{local:%Y-%m-%d}"

    return period


def register(job: Job) -> Job:
    _REGISTRY[job.name] = job
    return job


def registered_jobs() -> dict[str, Job]:

    # Each app registers its jobs in its `jobs` module, imported on first use.
    for config in apps.get_app_configs():
        if config.name.startswith("bangban."):
            try:
                __import__(f"{config.name}.jobs")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.jobs":
                    raise
    return dict(_REGISTRY)


def claim(job: Job, period: str) -> bool:
    """True if this instance won `period` for `job` (and enqueued it)."""
    try:
        with transaction.atomic():
            run = ScheduledRun.objects.create(
                job=job.name, period=period, claimed_by=f"{socket.gethostname()}:{os.getpid()}"
            )
            result = job.task.enqueue()
            run.task_id = str(getattr(result, "id", ""))
            run.save(update_fields=["task_id"])
    except IntegrityError:
        return False
    return True


def tick(now: dt.datetime | None = None) -> list[str]:
    now = now or timezone.now()
    lines = []
    for job in registered_jobs().values():
        period = job.period(now)
        if period is not None and claim(job, period):
            lines.append(f"{job.name} @ {period} 已派发")
    return lines


def run_forever(interval: float, write: Callable[[str], Any]) -> None:
    write(f"定时调度已启动，任务：{', '.join(sorted(registered_jobs())) or '无'}")
    while True:
        try:
            for line in tick():
                write(line)
        except Exception:  # a database hiccup must not stop the scheduler
            log.exception("scheduler tick failed")
        time.sleep(interval)
