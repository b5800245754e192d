"""Header navigation entries of ratings: (label, url name, predicate on the user), and the labels
shown under the 「系统管理」 menu."""

from __future__ import annotations

from typing import Any

from bangban.accounts.access import has_any_role
from bangban.accounts.roles import Role


def _staff_of_a_unit(user: Any) -> bool:
    return has_any_role(
        user, {Role.ADMIN, Role.BIZ_OFFICE, Role.HANDLER, Role.UNIT_HEAD, Role.DISPATCHER, Role.HOTLINE_AGENT}
    )


def _may_void(user: Any) -> bool:
    return has_any_role(user, {Role.BIZ_OFFICE})


NAV_ITEMS: list[tuple[str, str, Any]] = [
    ("差评整改", "ratings:rect_queue", _staff_of_a_unit),
    ("评价核查", "ratings:audit", _may_void),
]
ADMIN_MENU: frozenset[str] = frozenset()
