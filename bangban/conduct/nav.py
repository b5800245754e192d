"""Header entries of conduct (`ConductConfig.nav`): label, url name, who may see it, its place in the
header and the area menu it is grouped under."""

from __future__ import annotations

from bangban.core.plugins import NavItem

from . import access, snap_access

NAV: list[NavItem] = [
    NavItem(
        "入企登记",
        "conduct:entries",
        lambda u: access.is_official(u) or access.is_enterprise_user(u) or access.is_overseer(u),
        order=137,
        menu="作风建设",
    ),
    NavItem("作风预警", "conduct:flags", lambda u: access.is_overseer(u), order=138, menu="作风建设"),
    NavItem("负面清单", "conduct:negative_list", lambda u: access.can_read(u), order=139, menu="作风建设"),
    # R7.1, after the 负面清单 (the same order: the header keeps an app's entries in their listed order).
    NavItem(
        "直通车企业",
        "conduct:designations",
        lambda u: access.is_overseer(u) or access.is_enterprise_user(u),
        order=139,
        menu="作风建设",
    ),
    NavItem("问题清单", "conduct:problems", lambda u: access.is_overseer(u), order=139, menu="作风建设"),
]

# 随手拍 and the complaint phone: 作风办's queue, and the unit's own complaints (no complainant).
NAV += [
    NavItem(
        "随手拍与投诉",
        "conduct:snap_queue",
        lambda u: snap_access.is_snap_reader(u),
        order=140,
        menu="作风建设",
    ),
]
