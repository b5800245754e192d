"""The role-aware navigation shown in every page's header."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from bangban.accounts.access import has_any_role, scope_of
from bangban.accounts.roles import AUDIT_READER_ROLES, ORG_ADMIN_ROLES, Role

# (label, url name, predicate on the user)
NAV_ITEMS: list[tuple[str, str, Any]] = [
    ("首页", "core:home", lambda u: True),
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
    ("组织机构", "org:units", lambda u: not has_any_role(u, {Role.ENTERPRISE})),
    ("工作日历", "workdays:calendar", lambda u: not has_any_role(u, {Role.ENTERPRISE})),
    ("用户管理", "accounts:users", lambda u: has_any_role(u, ORG_ADMIN_ROLES)),
    ("审计日志", "audit:events", lambda u: has_any_role(u, AUDIT_READER_ROLES)),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    current = request.resolver_match.view_name if request.resolver_match else ""
    items = []
    for label, name, allowed in NAV_ITEMS:
        if allowed(user):
            app = name.split(":")[0]
            items.append(
                {
                    "label": label,
                    "url": reverse(name),
                    "active": current.startswith(app + ":") and (app != "core" or current == name),
                }
            )
    from bangban.notifications.queries import unread_count

    return {"nav_items": items, "unread_messages": unread_count(user)}
