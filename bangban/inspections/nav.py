"""Header entries of 双随机、一公开 (`InspectionsConfig.nav`)."""

from __future__ import annotations

from bangban.core.plugins import NavItem

from . import access

NAV: list[NavItem] = [
    NavItem(
        "抽查计划",
        "inspections:plans",
        lambda u: access.is_planner(u) or access.is_overseer(u),
        order=140,
        menu="双随机抽查",
    ),
    NavItem(
        "我的检查任务", "inspections:tasks", lambda u: access.is_inspector(u), order=140, menu="双随机抽查"
    ),
    NavItem("抽查结果公开", "inspections:public", lambda u: access.can_read(u), order=140, menu="双随机抽查"),
]
