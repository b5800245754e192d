"""Header entry of account administration, under 「系统管理」 (`AccountsConfig.nav`)."""

from __future__ import annotations

from bangban.core.plugins import NavItem

from .access import has_any_role
from .roles import ACCOUNT_ADMIN_ROLES

NAV: list[NavItem] = [
    NavItem(
        "用户管理", "accounts:users", lambda u: has_any_role(u, ACCOUNT_ADMIN_ROLES), order=50, admin=True
    ),
]
