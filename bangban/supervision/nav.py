"""Header entries of supervision (`SupervisionConfig.nav`): label, url name, who may see it, its place in the
header and the area menu it is grouped under."""

from __future__ import annotations

from typing import Any

from bangban.accounts.access import has_any_role
from bangban.core.plugins import NavItem

from .access import (
    LEDGER_ROLES,
    can_manage,
    can_record_analysis,
    can_see_analysis_meetings,
    can_see_stars,
    can_see_transfers,
    can_view,
    sees_all_analyses,
)


def _viewer(user: Any) -> bool:

    return can_view(user)


def _ledger_user(user: Any) -> bool:

    return can_view(user) or bool(getattr(user, "unit_id", None) and has_any_role(user, LEDGER_ROLES))


def _analysis_meetings(user: Any) -> bool:

    return can_see_analysis_meetings(user)


def _analyses(user: Any) -> bool:

    return sees_all_analyses(user) or can_record_analysis(user)


NAV: list[NavItem] = [
    NavItem("督查排名", "supervision:rankings", _viewer, order=140, menu="督查考核"),
    NavItem("通报", "supervision:notices", _viewer, order=141, menu="督查考核"),
    NavItem("月度台账", "supervision:ledgers", _ledger_user, order=142, menu="督查考核"),
    NavItem("数据看板", "supervision:dashboard", _viewer, order=143, menu="督查考核"),
    NavItem("处置分析会", "supervision:analysis_meetings", _analysis_meetings, order=144, menu="督查考核"),
    NavItem("分析研判", "supervision:analyses", _analyses, order=145, menu="督查考核"),
    NavItem("专项督查", "supervision:specials", can_manage, order=146, menu="督查考核"),
    NavItem("作风之星", "supervision:stars", can_see_stars, order=147, menu="督查考核"),
    NavItem("移送纪委监委", "supervision:transfers", can_see_transfers, order=148, menu="督查考核"),
]
