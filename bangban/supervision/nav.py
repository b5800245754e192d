"""Header navigation entries of supervision: (label, url name, predicate on the user), and the labels
shown under the 「系统管理」 menu."""

from __future__ import annotations

from typing import Any


def _viewer(user: Any) -> bool:
    from .access import can_view

    return can_view(user)


def _ledger_user(user: Any) -> bool:
    from bangban.accounts.access import has_any_role

    from .access import LEDGER_ROLES, can_view

    return can_view(user) or bool(getattr(user, "unit_id", None) and has_any_role(user, LEDGER_ROLES))


NAV_ITEMS: list[tuple[str, str, Any]] = [
    ("督查排名", "supervision:rankings", _viewer),
    ("通报", "supervision:notices", _viewer),
    ("月度台账", "supervision:ledgers", _ledger_user),
    ("数据看板", "supervision:dashboard", _viewer),
]
ADMIN_MENU: frozenset[str] = frozenset()
