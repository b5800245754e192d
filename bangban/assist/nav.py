"""The header entries of 帮办代办 (`AssistConfig.nav`), in the 帮办服务 menu: the services and 代办 of
the sites a user sees (an enterprise user: its own 代办), and the monthly figures."""

from __future__ import annotations

from bangban.core.plugins import NavItem

from . import access

NAV: list[NavItem] = [
    NavItem(
        "帮办代办",
        "assist:index",
        lambda u: access.is_reader(u) or access.is_enterprise(u),
        order=125,
        menu="帮办服务",
    ),
    NavItem("帮办统计", "assist:figures", lambda u: access.is_reader(u), order=126, menu="帮办服务"),
]
