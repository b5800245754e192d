"""Header entries of hotspots: 堵点分析 and 类案督办."""

from __future__ import annotations

from bangban.core.plugins import NavItem

from .hotspots_access import can_list_tasks, can_view

NAV: list[NavItem] = [
    # The responsible units find their 类案督办 here, next to 会办 and 督办.
    NavItem("类案督办", "insight_hotspots:tasks", can_list_tasks, order=102, menu="会办督办"),
    NavItem("堵点分析", "insight_hotspots:list", can_view, order=144, menu="督查考核"),
]
