"""Header entries of 局长跑现场 (`FieldrunsConfig.nav`), in the 帮办服务 menu after the service
network's entries and before 招商项目 (130)."""

from __future__ import annotations

from bangban.core.plugins import NavItem

from . import access

NAV: list[NavItem] = [
    NavItem("局长跑现场", "fieldruns:list", lambda u: access.sees_runs(u), order=127, menu="帮办服务"),
    NavItem("跑现场年度清单", "fieldruns:yearly", lambda u: access.sees_runs(u), order=128, menu="帮办服务"),
]
