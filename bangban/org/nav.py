"""Header entry of the organisation register (`OrgConfig.nav`)."""

from __future__ import annotations

from bangban.core.plugins import NavItem

from .access import can_view_org

NAV: list[NavItem] = [
    NavItem("组织机构", "org:units", can_view_org, order=30, menu="基础数据"),
]
