"""The configuration intake reads for every case, kept in each process's memory: the active
categories (with their parents), the active routing rules whose unit is active, and the dispatch
clock settings.

Whether the memory is current is asked of the database once per intake: one read of
`ConfigVersion.token`, a single-row table whose token the database itself changes (triggers of
migration 0008) in the same transaction as any change to those rows, a unit's 启用 flag or a
region's code — whatever made the change (a page, the admin, an import, a migration, plain SQL).
So a process never uses rows older than the last committed change it could have read anyway:
a different token means reload, which reads the token before the rows (a change committed in
between makes the next call reload again, never the other way round). A token is random, not a
counter, so a rolled-back change can never leave a stale copy that a later token matches.
Without the row (a flushed test database), nothing is kept and every call reads the rows.

The rows handed out are shared by the process: read them, never change them."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from bangban.core import rawsql

from .dispatch_clock import current_settings
from .models import Category, ConfigVersion, DispatchClockSettings, RoutingRule

__all__ = ["Config", "current", "forget"]

# (rule id, category id, region id, priority, region code, unit id) of an active rule of an active unit.
RuleRow = tuple[int, int | None, int | None, int, str | None, int]


@dataclass(frozen=True)
class Config:
    token: str
    categories_by_code: dict[str, Category]
    categories_by_id: dict[int, Category]
    rules: tuple[RuleRow, ...]
    clock: DispatchClockSettings

    def category(self, category_id: int | None, code: str) -> Category | None:
        """The active category by id (if given) or code, or None."""
        if category_id:
            return self.categories_by_id.get(int(category_id))
        return self.categories_by_code.get(code)


_lock = threading.Lock()
_current: Config | None = None


def _token() -> str | None:
    rows = rawsql.fetch(
        ConfigVersion, f'SELECT "token" FROM {rawsql.table(ConfigVersion)} WHERE "id" = 1', []
    )
    return str(rows[0][0]) if rows else None


def _load() -> Config:
    # The settings row is created on first use, which changes the token: made before the token is
    # read, and read (like every row) after it.
    current_settings()
    token = _token()
    clock = DispatchClockSettings.objects.get(pk=1)
    categories = list(Category.objects.select_related("parent__parent").filter(is_active=True))
    rules: Any = RoutingRule.objects.filter(is_active=True, unit__is_active=True).order_by("pk")
    return Config(
        token=token or "",
        categories_by_code={c.code: c for c in categories},
        categories_by_id={c.pk: c for c in categories},
        rules=tuple(
            rules.values_list("pk", "category_id", "region_id", "priority", "region__code", "unit_id")
        ),
        clock=clock,
    )


def current() -> Config:
    """The configuration as committed now (one read of the token when the memory is current)."""
    global _current
    token = _token()
    cached = _current
    if token is not None and cached is not None and cached.token == token:
        return cached
    config = _load()
    if config.token:
        with _lock:
            _current = config
    return config


def forget() -> None:
    """Drop this process's copy (the next `current()` reloads)."""
    global _current
    with _lock:
        _current = None
