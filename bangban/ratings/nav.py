"""Header entries of ratings (`RatingsConfig.nav`): label, url name, who may see it, its place in the
header and the area menu it is grouped under."""

from __future__ import annotations

from typing import Any

from bangban.accounts.access import has_any_role
from bangban.accounts.roles import Role
from bangban.core.plugins import NavItem


def _staff_of_a_unit(user: Any) -> bool:
    return has_any_role(
        user, {Role.ADMIN, Role.BIZ_OFFICE, Role.HANDLER, Role.UNIT_HEAD, Role.DISPATCHER, Role.HOTLINE_AGENT}
    )


def _may_void(user: Any) -> bool:
    return has_any_role(user, {Role.BIZ_OFFICE})


NAV: list[NavItem] = [
    NavItem("差评整改", "ratings:rect_queue", _staff_of_a_unit, order=110, menu="好差评"),
    NavItem("评价核查", "ratings:audit", _may_void, order=111, menu="好差评"),
]
