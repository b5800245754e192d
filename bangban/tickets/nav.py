"""Header entries of the case system (`TicketsConfig.nav`)."""

from __future__ import annotations

from typing import Any

from bangban.accounts.access import has_any_role
from bangban.accounts.roles import Role
from bangban.core.plugins import NavItem

from . import queries
from .views_intake import intake_links


def _cases() -> Any:

    return queries


def _intake_links(user: Any) -> list[dict[str, str]]:

    return intake_links(user)


NAV: list[NavItem] = [
    NavItem("派单", "tickets:dispatch_queue", lambda u: _cases().can_use_dispatch_queue(u), order=10),
    NavItem("待办诉求", "tickets:unit_queue", lambda u: _cases().can_use_unit_queue(u), order=11),
    NavItem("全部诉求", "tickets:all", lambda u: _cases().can_use_all_cases(u), order=12),
    NavItem("我的诉求", "tickets:mine", lambda u: _cases().can_use_mine(u), order=13),
    NavItem("登记诉求", "tickets:intake_hotline", lambda u: has_any_role(u, {Role.HOTLINE_AGENT}), order=14),
    # One name per action (docs/glossary.md): an enterprise 提交诉求 (its own), staff 登记诉求 (for a caller).
    NavItem("提交诉求", "tickets:intake_index", lambda u: has_any_role(u, {Role.ENTERPRISE}), order=15),
    NavItem(
        "登记诉求",
        "tickets:intake_index",
        lambda u: not has_any_role(u, {Role.HOTLINE_AGENT, Role.ENTERPRISE}) and bool(_intake_links(u)),
        order=15,
    ),
    # Under 「系统管理」, after the administrators' entries of accounts, audit and notifications.
    NavItem(
        "诉求配置",
        "tickets:config_index",
        lambda u: has_any_role(u, {Role.ADMIN, Role.DISPATCHER, Role.BIZ_OFFICE}),
        order=80,
        admin=True,
    ),
]
