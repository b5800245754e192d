"""The task worker that survives faults: `manage.py task_worker` runs django-tasks-db's worker
loop (the library is configured, not forked) with three additions.

- **Lost database connections.** A dropped or terminated connection (`OperationalError`,
  `InterfaceError`) anywhere in the loop — claiming a task, running it, or recording its outcome
  in `set_failed` / `set_successful` — no longer ends the process: the worker closes its
  connections, puts the task it held back in the queue, waits a moment and goes on. A task that
  failed only because its connection was lost is queued again too (up to the attempt limit).
- **A heartbeat.** A thread of the worker updates its `WorkerHeartbeat` row every
  `BANGBAN_TASK_HEARTBEAT_SECONDS`, also while a long task runs.
- **Leases.** Every worker, at most every heartbeat interval, queues again the tasks left RUNNING
  by a worker whose heartbeat is older than `BANGBAN_TASK_LEASE_SECONDS` (killed, machine lost);
  after `BANGBAN_TASK_MAX_ATTEMPTS` claims a task is marked failed instead. Task bodies are
  idempotent (a resumed policy push skips the enterprises it reached; an export is written once;
  the outbox delivers each message once), so a task run again completes exactly once.

`stalled_tasks()` lists what administrators see at `/tasks/stalled/`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import InterfaceError, OperationalError, connections, transaction
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from bangban.core.models import WorkerHeartbeat
from bangban.core.observability import request_id_context
from bangban.core.taskqueue import request_id_of

log = logging.getLogger("bangban.worker")

DB_ERRORS = (OperationalError, InterfaceError)
LOST_WORKER = "bangban.core.worker.WorkerLost"


def heartbeat_seconds() -> float:
    return float(getattr(settings, "BANGBAN_TASK_HEARTBEAT_SECONDS", 10))


def lease_seconds() -> float:
    return float(getattr(settings, "BANGBAN_TASK_LEASE_SECONDS", 60))


def max_attempts() -> int:
    return int(getattr(settings, "BANGBAN_TASK_MAX_ATTEMPTS", 5))


def drop_connections() -> None:
    """Close this thread's connections; a broken one is discarded without raising."""
    for conn in connections.all(initialized_only=True):
        with contextlib.suppress(Exception):
            conn.close()


def beat(worker_id: str, started_at: dt.datetime, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    updated = WorkerHeartbeat.objects.filter(pk=worker_id).update(seen_at=now)
    if not updated:
        WorkerHeartbeat.objects.update_or_create(
            pk=worker_id,
            defaults={"host": socket.gethostname()[:120], "started_at": started_at, "seen_at": now},
        )


def recover_stalled_tasks(now: dt.datetime | None = None) -> dict[str, int]:
    """Queue again (or fail, after too many attempts) the tasks RUNNING under a worker whose
    heartbeat is older than the lease or that never had one. Each task row is locked
    (skip-locked), so several workers recovering at once never act on the same row twice."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=lease_seconds())
    alive = set(WorkerHeartbeat.objects.filter(seen_at__gte=cutoff).values_list("pk", flat=True))
    outcome = {"requeued": 0, "failed": 0}
    candidates = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=cutoff)
    for pk in candidates.values_list("pk", flat=True)[:500]:
        with transaction.atomic():
            row = (
                DBTaskResult.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, status=TaskResultStatus.RUNNING)
                .first()
            )
            if row is None or (row.worker_ids and row.worker_ids[-1] in alive):
                continue
            if len(row.worker_ids) >= max_attempts():
                row.status = TaskResultStatus.FAILED
                row.finished_at = now
                row.exception_class_path = LOST_WORKER
                row.traceback = f"任务进程 {row.worker_ids[-1] if row.worker_ids else '?'} 失联，已尝试 {len(row.worker_ids)} 次"
                row.save(update_fields=["status", "finished_at", "exception_class_path", "traceback"])
                outcome["failed"] += 1
                log.error("task %s failed: its worker was lost %d times", row.pk, len(row.worker_ids))
            else:
                row.status = TaskResultStatus.READY
                row.save(update_fields=["status"])
                outcome["requeued"] += 1
                log.warning("task %s requeued: worker %s lost", row.pk, row.worker_ids[-1:])
    return outcome


CONNECTION_ERRORS = {f"{cls.__module__}.{cls.__qualname__}" for cls in DB_ERRORS}


def requeue(task_id: Any, from_status: str = TaskResultStatus.RUNNING) -> None:
    """Put back a task whose outcome could not be recorded, or that failed only because the
    connection was lost."""
    for _attempt in range(30):
        try:
            DBTaskResult.objects.filter(pk=task_id, status=from_status).update(
                status=TaskResultStatus.READY, finished_at=None
            )
            return
        except DB_ERRORS:
            drop_connections()
            time.sleep(1)
    # Still unreachable: the lease recovery of any worker puts it back later.


class ResilientWorker(Worker):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.started_at = timezone.now()
        self._last_recovery = 0.0
        self._stop_heartbeat = threading.Event()

    # --- heartbeat thread ----------------------------------------------------------------------
    def _heartbeat_loop(self) -> None:
        while not self._stop_heartbeat.is_set():
            try:
                beat(self.worker_id, self.started_at)
            except DB_ERRORS as exc:
                log.warning("heartbeat of %s failed (%s); retrying", self.worker_id, exc)
                drop_connections()
            except Exception:
                log.exception("heartbeat of %s failed", self.worker_id)
            self._stop_heartbeat.wait(heartbeat_seconds())
        drop_connections()

    def start_heartbeat(self) -> threading.Thread:
        thread = threading.Thread(target=self._heartbeat_loop, name="task-heartbeat", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self.running = False
        self._stop_heartbeat.set()

    # --- the loop ------------------------------------------------------------------------------
    def run(self) -> None:
        heartbeat = self.start_heartbeat()
        backoff = 0.5
        try:
            while self.running:
                try:
                    super().run()
                    return  # batch mode or max tasks reached
                except DB_ERRORS as exc:
                    log.warning(
                        "database connection lost in worker %s (%s); reconnecting", self.worker_id, exc
                    )
                    drop_connections()
                    time.sleep(backoff)
                    backoff = min(backoff * 2, 10.0)
        finally:
            self._stop_heartbeat.set()
            heartbeat.join(timeout=5)
            if threading.current_thread() is not threading.main_thread():
                drop_connections()

    def run_task(self, db_task_result: DBTaskResult) -> None:
        self._maybe_recover()
        # Under the id of the request that queued the task (if any): every log line of the run
        # carries it (bangban.core.observability).
        with request_id_context(request_id_of(db_task_result)):
            self._run_task(db_task_result)

    def _run_task(self, db_task_result: DBTaskResult) -> None:
        log.info("task %s %s started", db_task_result.pk, db_task_result.task_path)
        try:
            super().run_task(db_task_result)
        except DB_ERRORS as exc:
            # The outcome could not be recorded (set_failed / set_successful on a lost
            # connection): reconnect and queue the task again; its body is idempotent.
            log.warning("task %s: outcome not recorded (%s); queued again", db_task_result.pk, exc)
            drop_connections()
            requeue(db_task_result.pk)
            return
        if (
            db_task_result.status == TaskResultStatus.FAILED
            and db_task_result.exception_class_path in CONNECTION_ERRORS
            and len(db_task_result.worker_ids) < max_attempts()
        ):
            # The task failed only because the connection was lost (and the failure was
            # recorded on a new one): not the task's fault, so it is run again.
            log.warning("task %s failed on a lost connection; queued again", db_task_result.pk)
            requeue(db_task_result.pk, TaskResultStatus.FAILED)
            return
        log.info("task %s %s ended: %s", db_task_result.pk, db_task_result.task_path, db_task_result.status)

    def _maybe_recover(self) -> None:
        if time.monotonic() - self._last_recovery < heartbeat_seconds():
            return
        self._last_recovery = time.monotonic()
        try:
            recover_stalled_tasks()
        except DB_ERRORS:
            drop_connections()


@dataclass
class StalledTask:
    id: str
    name: str
    status: str
    reason: str
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    attempts: int
    worker: str


def stalled_tasks(now: dt.datetime | None = None, limit: int = 200) -> list[StalledTask]:
    """Tasks running past their lease (the worker's heartbeat stopped) and failed tasks, newest
    first, for administrators."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=lease_seconds())
    alive = set(WorkerHeartbeat.objects.filter(seen_at__gte=cutoff).values_list("pk", flat=True))
    rows: list[StalledTask] = []
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=cutoff)
    for row in running.order_by("-started_at")[:limit]:
        worker = row.worker_ids[-1] if row.worker_ids else ""
        if worker in alive:
            continue
        rows.append(
            StalledTask(
                str(row.pk),
                row.task_path,
                "超时未完成",
                "任务进程心跳已停止，等待重新排队",
                row.started_at,
                None,
                len(row.worker_ids),
                worker,
            )
        )
    failed = DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).order_by("-finished_at")
    for row in failed[:limit]:
        last_line = (row.traceback or "").strip().splitlines()[-1:] or [row.exception_class_path]
        rows.append(
            StalledTask(
                str(row.pk),
                row.task_path,
                "失败",
                last_line[0][:200],
                row.started_at,
                row.finished_at,
                len(row.worker_ids),
                row.worker_ids[-1] if row.worker_ids else "",
            )
        )
    return rows
