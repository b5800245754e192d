"""The header entries of 帮办代办 (`AssistConfig.nav`), in the 帮办服务 menu: the services and 代办 of
the sites a user sees (an enterprise user: its own 代办), and the monthly figures."""

from __future__ import annotations

from typing import Any

from bangban.core.plugins import NavItem

from . import access


def _reader(user: Any) -> bool:
    """`access.is_reader`, asked once per request for both entries (the header is built from the
    request's own user object, loaded afresh on every request)."""
    cached = user.__dict__.get("_assist_nav_reader")
    if cached is None:
        cached = user.__dict__["_assist_nav_reader"] = access.is_reader(user)
    return bool(cached)


NAV: list[NavItem] = [
    NavItem(
        "帮办代办",
        "assist:index",
        lambda u: _reader(u) or access.is_enterprise(u),
        order=125,
        menu="帮办服务",
    ),
    NavItem("帮办统计", "assist:figures", _reader, order=126, menu="帮办服务"),
]
