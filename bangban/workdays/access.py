"""Who may see and change the working-day calendar (R0.3, R0.4).

Everyone logged in inside government may view it and use the due-date calculator; enterprise users
see their own deadlines in their cases instead. Only administrators (`CALENDAR_ADMIN_ROLES`) change it.
"""

from __future__ import annotations

from typing import Any

from bangban.accounts.access import has_any_role
from bangban.accounts.roles import CALENDAR_ADMIN_ROLES, Role
from bangban.core.errors import NotFound, PermissionDenied


def can_view_calendar(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_superuser or not has_any_role(user, {Role.ENTERPRISE}))


def can_edit_calendar(user: Any) -> bool:
    return has_any_role(user, CALENDAR_ADMIN_ROLES)


def require_calendar_viewer(user: Any) -> None:
    if not can_view_calendar(user):
        raise NotFound()


def require_calendar_admin(user: Any) -> None:
    """For actions and the API: a viewer who may not change the calendar is told so (403)."""
    if not can_edit_calendar(user):
        raise PermissionDenied("只有系统管理员可以维护工作日历")


def require_calendar_admin_page(user: Any) -> None:
    """Administrator-only pages do not exist for anyone else (404)."""
    if not can_edit_calendar(user):
        raise NotFound()


def is_enterprise_user(user: Any) -> bool:
    """Holds the enterprise role (a superuser counts: the header shows them no calendar entry)."""
    return has_any_role(user, {Role.ENTERPRISE})
