"""Header entries of the enterprise registry (`EnterprisesConfig.nav`)."""

from __future__ import annotations

from bangban.accounts.access import has_any_role, scope_of
from bangban.accounts.roles import Role
from bangban.core.plugins import NavItem

NAV: list[NavItem] = [
    NavItem(
        "企业库",
        "enterprises:list",
        lambda u: not has_any_role(u, {Role.ENTERPRISE}) and not scope_of(u).empty,
        order=20,
        menu="基础数据",
    ),
    NavItem(
        "本企业",
        "enterprises:mine",
        lambda u: u.enterprise_id is not None and has_any_role(u, {Role.ENTERPRISE}),
        order=21,
        menu="基础数据",
    ),
]
