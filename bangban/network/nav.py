"""Header navigation entries of network: (label, url name, predicate on the user), and the labels
shown under the 「系统管理」 menu."""

from __future__ import annotations

from typing import Any


def _access() -> Any:
    from bangban.network import access

    return access


NAV_ITEMS: list[tuple[str, str, Any]] = [
    ("帮办走访", "network:mine", lambda u: _access().is_officer(u)),
    (
        "帮办网络",
        "network:compliance",
        lambda u: _access().is_overseer(u) and not _access().is_officer(u),
    ),
    ("帮办服务", "network:enterprise", lambda u: _access().is_enterprise_user(u)),
]
ADMIN_MENU: frozenset[str] = frozenset()
