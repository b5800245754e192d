"""Header entries of insight (`InsightConfig.nav`)."""

from __future__ import annotations

from bangban.core.plugins import NavItem

from .access import can_manage_routing
from .hotspots_nav import NAV as HOTSPOT_NAV

NAV: list[NavItem] = [
    # Under 「系统管理」, after 诉求配置 (the routing rule table it complements).
    NavItem("智能分派", "insight:routing", can_manage_routing, order=81, admin=True),
    *HOTSPOT_NAV,
]
