"""Header entry of the working-day calendar (`WorkdaysConfig.nav`)."""

from __future__ import annotations

from bangban.core.plugins import NavItem

from .access import is_enterprise_user

NAV: list[NavItem] = [
    NavItem("工作日历", "workdays:calendar", lambda u: not is_enterprise_user(u), order=40, menu="基础数据"),
]
