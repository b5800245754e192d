"""Header entries of leniency (`LeniencyConfig.nav`): label, url name, who may see it, its place in
the header and the area menu it is grouped under. They share conduct's last place (139): the header
sort is stable and this app comes after conduct in INSTALLED_APPS, so they stand after 负面清单 and
before 督查考核 (140) in the order written here."""

from __future__ import annotations

from bangban.core.plugins import NavItem

from . import access

NAV: list[NavItem] = [
    NavItem(
        "免罚轻罚决定", "leniency:decisions", lambda u: access.sees_decisions(u), order=140, menu="免罚轻罚"
    ),
    NavItem(
        "免罚轻罚清单", "leniency:catalogue", lambda u: access.is_staff_member(u), order=140, menu="免罚轻罚"
    ),
    NavItem(
        "免罚轻罚统计", "leniency:figures", lambda u: access.sees_decisions(u), order=140, menu="免罚轻罚"
    ),
]
