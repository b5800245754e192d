"""Who may see and change regions and units (R0.1, R0.4).

Decision: the directory of regions and units is public inside government. Every staff member
(anyone holding a role in `STAFF_ROLES`) sees all units and regions of the city, read-only, whatever
their own unit: handlers must be able to find the unit they transfer a case to, and a unit's name,
duties and office phone are not protected data. Staff phone numbers in a unit's staff list stay
masked by `show_phone`. Deactivated rows are seen by administrators only. Enterprise users and
volunteer supervisors see no directory. Changing anything is for `ORG_ADMIN_ROLES` only; a page
that changes things answers 404 to everyone else, the API 403.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from bangban.accounts.access import has_any_role
from bangban.accounts.roles import ORG_ADMIN_ROLES, STAFF_ROLES
from bangban.core.errors import NotFound, PermissionDenied

from .models import Region, Unit


def can_view_org(user: Any) -> bool:
    return has_any_role(user, STAFF_ROLES)


def can_manage_org(user: Any) -> bool:
    return has_any_role(user, ORG_ADMIN_ROLES)


def require_org_admin(user: Any) -> None:
    """For the API: the caller may know the directory exists, but may not change it (403)."""
    if not can_manage_org(user):
        raise PermissionDenied("只有系统管理员可以维护区划和单位")


def require_org_admin_page(user: Any) -> None:
    """For management pages: they do not exist for anyone else (404)."""
    if not can_manage_org(user):
        raise NotFound()


def visible_regions(user: Any) -> QuerySet[Region]:
    if can_manage_org(user):
        return Region.objects.all()
    if can_view_org(user):
        return Region.objects.filter(is_active=True)
    return Region.objects.none()


def visible_units(user: Any) -> QuerySet[Unit]:
    if can_manage_org(user):
        return Unit.objects.all()
    if can_view_org(user):
        return Unit.objects.filter(is_active=True)
    return Unit.objects.none()


def access_region(user: Any, code: str, action: str = "view") -> Region:
    """The region with this code if `user` may `action` it; missing and hidden both raise NotFound."""
    region = visible_regions(user).select_related("parent").filter(code=str(code)).first()
    if region is None:
        raise NotFound()
    if action != "view":
        require_org_admin(user)
    return region


def access_unit(user: Any, unit_id: int | str, action: str = "view") -> Unit:
    try:
        pk = int(unit_id)
    except (TypeError, ValueError) as exc:
        raise NotFound() from exc
    unit = visible_units(user).select_related("region", "parent").filter(pk=pk).first()
    if unit is None:
        raise NotFound()
    if action != "view":
        require_org_admin(user)
    return unit
