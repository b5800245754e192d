"""Reports and dashboards read from a PostgreSQL replica when one is configured.

`DATABASE_REPLICA_URL` adds the database alias `replica` (config/settings/base.py). Nothing goes
there by default: only code that says so reads from it, and only while it says so —

    with reading_from_replica():          # or @reading_from_replica() on a function
        rows = build_report(...)

    @replica_reads                        # on a view: its GET and HEAD requests only
    def dashboard_page(request): ...

The supervision dashboards, rankings and ledgers (pages and API) and the rows of every Excel
export are such code. The rules of `ReplicaRouter`:

- writes always go to `default` (so does `select_for_update`, which Django routes as a write);
- a read inside a transaction on `default` stays on `default`: it must see the transaction's
  own writes and its locks, and a durable action is never half on the replica;
- a read goes to `replica` only inside `reading_from_replica()`, when the alias exists and
  `BANGBAN_REPLICA_READS` is on (on by default when the replica is configured);
- migrations run on `default` only (the replica receives them by replication).

A replica lags its primary by a moment, so a report may miss the last second's changes; nothing
that decides or changes anything reads there. In tests the replica is a TEST MIRROR of default.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA_ALIAS = "replica"

_reading: contextvars.ContextVar[bool] = contextvars.ContextVar("bangban_reading_from_replica", default=False)

F = TypeVar("F", bound=Callable[..., Any])


def replica_configured() -> bool:
    return REPLICA_ALIAS in settings.DATABASES and bool(getattr(settings, "BANGBAN_REPLICA_READS", False))


class _ReadingFromReplica(contextlib.ContextDecorator):
    def __enter__(self) -> None:
        self._token = _reading.set(True)

    def __exit__(self, *exc: object) -> None:
        _reading.reset(self._token)


def reading_from_replica() -> _ReadingFromReplica:
    """Reads in this block (or decorated function) may go to the replica; see the module text."""
    return _ReadingFromReplica()


def replica_reads(view: F) -> F:
    """A view whose GET and HEAD requests read from the replica; its other methods do not."""

    @functools.wraps(view)
    def wrapped(request: Any, *args: Any, **kwargs: Any) -> Any:
        if request.method in ("GET", "HEAD"):
            with reading_from_replica():
                return view(request, *args, **kwargs)
        return view(request, *args, **kwargs)

    return wrapped  # type: ignore[return-value]


def read_alias() -> str:
    """The alias a read would go to now (for tests and diagnostics)."""
    return ReplicaRouter().db_for_read(None) or DEFAULT_DB_ALIAS


class ReplicaRouter:
    """`DATABASE_ROUTERS` entry; see the module text for its rules."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if not _reading.get() or not replica_configured():
            return None
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return REPLICA_ALIAS

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        # Both aliases hold the same rows.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return False if db == REPLICA_ALIAS else None
