"""Header entry of the outbox, under 「系统管理」 (`NotificationsConfig.nav`)."""

from __future__ import annotations

from bangban.accounts.access import has_any_role
from bangban.accounts.roles import ACCOUNT_ADMIN_ROLES
from bangban.core.plugins import NavItem

NAV: list[NavItem] = [
    NavItem(
        "发送队列",
        "notifications:outbox",
        lambda u: has_any_role(u, ACCOUNT_ADMIN_ROLES),
        order=70,
        admin=True,
    ),
]
