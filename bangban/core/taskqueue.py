"""The database task queue (django-tasks-db) with the request id of the request that queued a task.

`DatabaseBackend` stores tasks exactly as the library does, with one more key in the row's
`args_kwargs` JSON: `request_id` (only when a task is queued during a request). The library reads
only `args` and `kwargs` from that column, so rows stay readable by the library's own worker and
admin; the task worker (`bangban.core.worker`) runs the task under that id, so its log lines carry
it (`bangban.core.observability`).
"""

from __future__ import annotations

from typing import Any

from django_tasks_db.backend import DatabaseBackend as LibraryBackend
from django_tasks_db.compat import normalize_json
from django_tasks_db.models import DBTaskResult

from .observability import current_request_id

REQUEST_ID_KEY = "request_id"


def request_id_of(row: DBTaskResult) -> str | None:
    """The request id a queued task was stored with, or None."""
    payload = row.args_kwargs if isinstance(row.args_kwargs, dict) else {}
    value = payload.get(REQUEST_ID_KEY)
    return value if isinstance(value, str) else None


class DatabaseBackend(LibraryBackend):
    def _task_to_db_task(self, task: Any, args: Any, kwargs: Any) -> DBTaskResult:
        # The library's row (django_tasks_db.backend), with the request id in the same INSERT.
        payload: dict[str, Any] = normalize_json({"args": args, "kwargs": kwargs})
        rid = current_request_id()
        if rid:
            payload[REQUEST_ID_KEY] = rid
        return DBTaskResult.objects.create(
            id=self._get_id(),
            args_kwargs=payload,
            priority=task.priority,
            task_path=task.module_path,
            queue_name=task.queue_name,
            run_after=task.run_after,
            backend_name=self.alias,
        )
