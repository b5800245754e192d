"""Request ids and structured logs: following one request — and the background tasks it queued —
through the logs of every process.

- `RequestIdMiddleware` (first in `MIDDLEWARE`) takes the caller's `X-Request-ID` when it is a
  plausible id (1–64 characters of `A-Z a-z 0-9 . _ -`) or makes a new one, keeps it in a context
  variable for the life of the request and returns it in the response's `X-Request-ID` header.
- `RequestIdFilter` puts it on every log record a handler writes (`record.request_id`, "-" outside
  a request); `JsonFormatter` writes one JSON object per line (production settings).
- Tasks queued during the request carry it (`bangban.core.taskqueue`), and the task worker runs
  each task under the id it was queued with (`bangban.core.worker`), so the worker's log lines of
  that task carry the same id.

Nothing here imports a model: the logging configuration imports this module before the apps load.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
META_KEY = "HTTP_X_REQUEST_ID"
VALID_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")

_request_id: ContextVar[str | None] = ContextVar("bangban_request_id", default=None)


def valid_request_id(value: str | None) -> str | None:
    """`value` when it may serve as a request id, else None (too long, empty, other characters)."""
    if value and VALID_ID.fullmatch(value):
        return value
    return None


def new_request_id() -> str:
    return uuid.uuid4().hex


def current_request_id() -> str | None:
    return _request_id.get()


@contextmanager
def request_id_context(value: str | None) -> Iterator[None]:
    """Runs the block under `value` (a task run with the id it was queued with)."""
    token = _request_id.set(valid_request_id(value))
    try:
        yield
    finally:
        _request_id.reset(token)


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rid = valid_request_id(request.META.get(META_KEY)) or new_request_id()
        request.request_id = rid  # type: ignore[attr-defined]
        token = _request_id.set(rid)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response[HEADER] = rid
        return response


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record (the current request's or task's id, "-" when none)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = current_request_id() or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (ISO 8601 with offset), level, logger, message, request id,
    process, and the traceback when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created).astimezone().isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or current_request_id() or "-",
            "process": record.process,
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
