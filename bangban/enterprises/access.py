"""Who may see and change which enterprise (R0.4). Views and the API go through here only."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from bangban.accounts.access import has_any_role, scope_of
from bangban.accounts.roles import ENTERPRISE_EDITOR_ROLES
from bangban.core.errors import NotFound, PermissionDenied

from .models import Enterprise


def visible_enterprises(user: Any) -> QuerySet[Enterprise]:
    scope = scope_of(user)
    qs = Enterprise.objects.all()
    if scope.city_wide:
        return qs
    if scope.enterprise_id is not None:
        return qs.filter(pk=scope.enterprise_id)
    if scope.region_path is not None:
        return qs.filter(region__path__startswith=scope.region_path)
    return qs.none()


def access_enterprise(user: Any, enterprise_id: int | str, action: str = "view") -> Enterprise:
    """The enterprise if `user` may `action` it. Missing and out-of-scope both raise NotFound."""
    try:
        pk = int(enterprise_id)
    except (TypeError, ValueError) as exc:
        raise NotFound() from exc
    enterprise = visible_enterprises(user).select_related("region").filter(pk=pk).first()
    if enterprise is None:
        raise NotFound()
    if action != "view" and not can_edit_enterprises(user):
        raise PermissionDenied("您可以查看该企业，但没有修改企业信息的权限")
    return enterprise


def can_edit_enterprises(user: Any) -> bool:
    return has_any_role(user, ENTERPRISE_EDITOR_ROLES)
