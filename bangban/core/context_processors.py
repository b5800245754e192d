"""The role-aware navigation shown in every page's header."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from bangban.accounts.access import has_any_role, scope_of
from bangban.accounts.roles import ACCOUNT_ADMIN_ROLES, AUDIT_READER_ROLES, STAFF_ROLES, Role


def _cases() -> Any:
    from bangban.tickets import queries

    return queries


def _intake_links(user: Any) -> list[dict[str, str]]:
    from bangban.tickets.views_intake import intake_links

    return intake_links(user)


# (label, url name, predicate on the user)
NAV_ITEMS: list[tuple[str, str, Any]] = [
    ("首页", "core:home", lambda u: True),
    ("派单", "tickets:dispatch_queue", lambda u: _cases().can_use_dispatch_queue(u)),
    ("待办诉求", "tickets:unit_queue", lambda u: _cases().can_use_unit_queue(u)),
    ("全部诉求", "tickets:all", lambda u: _cases().can_use_all_cases(u)),
    ("我的诉求", "tickets:mine", lambda u: _cases().can_use_mine(u)),
    ("登记诉求", "tickets:intake_hotline", lambda u: has_any_role(u, {Role.HOTLINE_AGENT})),
    (
        "登记诉求",
        "tickets:intake_index",
        lambda u: not has_any_role(u, {Role.HOTLINE_AGENT}) and bool(_intake_links(u)),
    ),
    (
        "企业库",
        "enterprises:list",
        lambda u: not has_any_role(u, {Role.ENTERPRISE}) and not scope_of(u).empty,
    ),
    (
        "本企业",
        "enterprises:mine",
        lambda u: u.enterprise_id is not None and has_any_role(u, {Role.ENTERPRISE}),
    ),
    ("组织机构", "org:units", lambda u: has_any_role(u, STAFF_ROLES)),
    ("工作日历", "workdays:calendar", lambda u: not has_any_role(u, {Role.ENTERPRISE})),
    ("用户管理", "accounts:users", lambda u: has_any_role(u, ACCOUNT_ADMIN_ROLES)),
    ("审计日志", "audit:events", lambda u: has_any_role(u, AUDIT_READER_ROLES)),
    ("发送队列", "notifications:outbox", lambda u: has_any_role(u, ACCOUNT_ADMIN_ROLES)),
    (
        "诉求配置",
        "tickets:config_index",
        lambda u: has_any_role(u, {Role.ADMIN, Role.DISPATCHER, Role.BIZ_OFFICE}),
    ),
]

# Entries shown under one 「系统管理」 menu, so the bar stays on one line for administrators.
ADMIN_MENU = frozenset({"用户管理", "审计日志", "发送队列", "诉求配置"})


# The header groups each area's entries under one menu when a user has more than one of them, so
# the bar stays on one line whatever roles a user holds.
FEATURE_MENUS = {
    "enterprises": "基础数据",
    "org": "基础数据",
    "workdays": "基础数据",
    "escalation": "会办督办",
    "ratings": "好差评",
    "network": "帮办服务",
    "outreach": "帮办服务",
    "supervision": "督查考核",
}


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


def _all_nav_items() -> tuple[list[tuple[str, str, Any]], frozenset[str]]:
    """The entries above followed by each feature app's (`bangban.<app>.nav`)."""
    from importlib import import_module

    from bangban.core.api import FEATURE_APPS

    items, admin_menu = list(NAV_ITEMS), set(ADMIN_MENU)
    for app in FEATURE_APPS:
        module = import_module(f"bangban.{app}.nav")
        items.extend(module.NAV_ITEMS)
        admin_menu |= module.ADMIN_MENU
    return items, frozenset(admin_menu)


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    current = request.resolver_match.view_name if request.resolver_match else ""
    items = []
    # An app with several entries (the case lists) marks only the exact page as current.
    nav_items, admin_menu = _all_nav_items()
    apps = [n.split(":")[0] for _label, n, _allowed in nav_items]
    for label, name, allowed in nav_items:
        if allowed(user):
            app = name.split(":")[0]
            items.append(
                {
                    "label": label,
                    "url": reverse(name),
                    "menu": FEATURE_MENUS.get(app, ""),
                    "admin_menu": label in admin_menu,
                    "active": current == name
                    or (current.startswith(app + ":") and app != "core" and apps.count(app) == 1),
                }
            )
    from bangban.notifications.queries import unread_count

    return {
        "nav_items": [i for i in items if not i["admin_menu"]],
        "nav_entries": _entries([i for i in items if not i["admin_menu"]]),
        "nav_admin_items": [i for i in items if i["admin_menu"]],
        "nav_admin_active": any(i["active"] for i in items if i["admin_menu"]),
        "unread_messages": unread_count(user),
    }
