"""Header entry of hotspots (堵点分析)."""

from __future__ import annotations

from bangban.core.plugins import NavItem

from .hotspots_access import can_view

NAV: list[NavItem] = [NavItem("堵点分析", "insight_hotspots:list", can_view, order=144, menu="督查考核")]
