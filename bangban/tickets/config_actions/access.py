"""Who may view and manage the case configuration."""

from __future__ import annotations

from typing import Any

from bangban.accounts.access import has_any_role
from bangban.accounts.roles import Role
from bangban.core.errors import NotFound, PermissionDenied

CONFIG_ADMIN_ROLES = frozenset({Role.ADMIN})
CONFIG_VIEW_ROLES = frozenset({Role.ADMIN, Role.DISPATCHER, Role.BIZ_OFFICE})


def can_manage_config(user: Any) -> bool:
    return has_any_role(user, CONFIG_ADMIN_ROLES)


def can_view_config(user: Any) -> bool:
    return has_any_role(user, CONFIG_VIEW_ROLES)


def require_config_viewer(user: Any) -> None:
    if not can_view_config(user):
        raise NotFound()


def require_config_admin(user: Any) -> None:
    if not can_manage_config(user):
        raise PermissionDenied("只有系统管理员可以修改诉求办理配置")
