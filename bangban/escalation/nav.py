"""Header navigation entries of escalation: (label, url name, predicate on the user), and the labels
shown under the 「系统管理」 menu."""

from __future__ import annotations

from typing import Any

from bangban.accounts.access import has_any_role


def _staff(user: Any) -> bool:
    from .access import is_staff

    return is_staff(user) and bool(user.unit_id or user.is_superuser)


def _mayor(user: Any) -> bool:
    from .access import MAYOR_CHAIN_ROLES

    return has_any_role(user, MAYOR_CHAIN_ROLES)


NAV_ITEMS: list[tuple[str, str, Any]] = [
    ("市长直通车", "escalation:mayor", _mayor),
    # One entry: its pages (升级诉求, 会办会议, 议定任务, 职责异议台账, 督办/催办) share a tab bar.
    ("分级会办", "escalation:index", _staff),
]
ADMIN_MENU: frozenset[str] = frozenset()
