"""Header navigation entries of supervision: (label, url name, predicate on the user), and the labels
shown under the 「系统管理」 menu."""

from __future__ import annotations

from typing import Any

NAV_ITEMS: list[tuple[str, str, Any]] = []
ADMIN_MENU: frozenset[str] = frozenset()
