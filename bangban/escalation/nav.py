"""Header entries of escalation (`EscalationConfig.nav`): label, url name, who may see it, its place in the
header and the area menu it is grouped under."""

from __future__ import annotations

from typing import Any

from bangban.accounts.access import has_any_role
from bangban.core.plugins import NavItem

from .access import MAYOR_CHAIN_ROLES, can_edit_portfolio, is_staff


def _staff(user: Any) -> bool:

    return is_staff(user) and bool(user.unit_id or user.is_superuser)


def _mayor(user: Any) -> bool:

    return has_any_role(user, MAYOR_CHAIN_ROLES)


NAV: list[NavItem] = [
    NavItem("市长直通车", "escalation:mayor", _mayor, order=100, menu="会办督办"),
    # One entry: its pages (升级诉求, 会办会议, 议定任务, 职责异议台账, 督办/催办) share a tab bar.
    NavItem("分级会办", "escalation:index", _staff, order=101, menu="会办督办"),
    # 营商办 keep the portfolio without seeing the mayor's channel; the chain reaches it from there.
    NavItem("分管市长分工", "escalation:vice_portfolio", can_edit_portfolio, order=102, menu="会办督办"),
]
