"""Header entries of network (`NetworkConfig.nav`): label, url name, who may see it, its place in the
header and the area menu it is grouped under."""

from __future__ import annotations

from typing import Any

from bangban.core.plugins import NavItem
from bangban.network import access


def _access() -> Any:

    return access


NAV: list[NavItem] = [
    NavItem("帮办走访", "network:mine", lambda u: _access().is_officer(u), order=120, menu="帮办服务"),
    NavItem(
        "帮办网络",
        "network:compliance",
        lambda u: _access().is_overseer(u) and not _access().is_officer(u),
        order=121,
        menu="帮办服务",
    ),
    NavItem(
        "帮办服务",
        "network:enterprise",
        lambda u: _access().is_enterprise_user(u),
        order=122,
        menu="帮办服务",
    ),
]
