"""The role-aware navigation shown in every page's header, composed from every app's entries
(`AppConfig.nav`, `bangban.core.plugins.NavItem`) in the order they declare."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from bangban.core.plugins import NavItem, plugins
from bangban.notifications.queries import unread_count

HOME = NavItem("首页", "core:home", lambda u: True, order=0)


def _entries(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The bar as the template draws it: plain links, and a dropdown per menu with two or more
    entries, placed where its first entry would stand."""
    by_menu: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        if item["menu"]:
            by_menu.setdefault(item["menu"], []).append(item)
    entries: list[dict[str, Any]] = []
    placed: set[str] = set()
    for item in items:
        menu = item["menu"]
        if not menu or len(by_menu[menu]) == 1:
            entries.append({"kind": "link", **item})
        elif menu not in placed:
            placed.add(menu)
            members = by_menu[menu]
            entries.append(
                {"kind": "menu", "label": menu, "items": members, "active": any(m["active"] for m in members)}
            )
    return entries


def nav_items() -> list[NavItem]:
    """The home page's entry and every app's, in header order."""
    items = [HOME]
    for _config, declared in plugins("nav"):
        items.extend(declared)
    return sorted(items, key=lambda item: item.order)


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    current = request.resolver_match.view_name if request.resolver_match else ""
    items = []
    # An app with several entries (the case lists) marks only the exact page as current.
    declared = nav_items()
    apps = [item.url_name.split(":")[0] for item in declared]
    for item in declared:
        if item.allowed(user):
            name = item.url_name
            app = name.split(":")[0]
            items.append(
                {
                    "label": item.label,
                    "url": reverse(name),
                    "menu": item.menu,
                    "admin_menu": item.admin,
                    "active": current == name
                    or (current.startswith(app + ":") and app != "core" and apps.count(app) == 1),
                }
            )
    return {
        "nav_items": [i for i in items if not i["admin_menu"]],
        "nav_entries": _entries([i for i in items if not i["admin_menu"]]),
        "nav_admin_items": [i for i in items if i["admin_menu"]],
        "nav_admin_active": any(i["active"] for i in items if i["admin_menu"]),
        "unread_messages": unread_count(user),
    }
