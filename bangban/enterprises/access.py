"""Who may see and change which enterprise (R0.4). Views and the API go through here only.

* Seeing: city-wide roles see every enterprise; staff of a county, zone or township unit see the
  enterprises of their region and everything below it; an enterprise user sees its own enterprise
  only. Anything else is "not found" (404), never "forbidden": nobody learns what exists elsewhere.
* Changing: `ENTERPRISE_EDITOR_ROLES`, within the same scope, and only into regions of that scope
  (a county's 单位负责人 can neither create nor move an enterprise into another county).
* An enterprise user may keep its own 工作联络员 (name and mobile) up to date (R3.2).
* Import batches are private to the person who uploaded them.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from bangban.accounts.access import has_any_role, scope_of
from bangban.accounts.roles import ENTERPRISE_EDITOR_ROLES, Role
from bangban.core import rawsql
from bangban.core.errors import NotFound, PermissionDenied
from bangban.org.models import Region

from .models import Enterprise, ImportBatch

EDIT_DENIED_MESSAGE = "您可以查看该企业，但没有修改企业信息的权限"


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


def visible_enterprise(user: Any, enterprise_id: int) -> Enterprise | None:
    """`visible_enterprises(user).select_related("region").filter(pk=…)`'s row, or None, in one
    plain statement (intake's hot path: no query to compile)."""
    scope = scope_of(user)
    if scope.empty:
        return None
    sql = (
        f"SELECT {rawsql.columns(Enterprise, 'e')}, {rawsql.columns(Region, 'r')} "
        f'FROM {rawsql.table(Enterprise)} "e" INNER JOIN {rawsql.table(Region)} "r" ON "r"."id" = "e"."region_id" '
        'WHERE "e"."id" = %s'
    )
    params: list[Any] = [int(enterprise_id)]
    if not scope.city_wide:
        if scope.enterprise_id is not None:
            sql += ' AND "e"."id" = %s'
            params.append(scope.enterprise_id)
        else:
            prefix = scope.region_path or ""
            sql += ' AND SUBSTR("r"."path", 1, %s) = %s'
            params += [len(prefix), prefix]
    rows = rawsql.fetch(Enterprise, sql, params)
    if not rows:
        return None
    enterprise = rawsql.load(Enterprise, rows[0])
    at = rawsql.width(Enterprise)
    enterprise.region = rawsql.load(Region, rows[0], at)
    return enterprise


def access_enterprise(user: Any, enterprise_id: int | str, action: str = "view") -> Enterprise:
    """The enterprise if `user` may `action` it ("view", "edit" or "edit_liaison").

    Missing and out-of-scope both raise NotFound; visible but not editable raises PermissionDenied."""
    try:
        pk = int(enterprise_id)
    except (TypeError, ValueError) as exc:
        raise NotFound() from exc
    enterprise = visible_enterprises(user).select_related("region").filter(pk=pk).first()
    if enterprise is None:
        raise NotFound()
    if action == "edit_liaison" and can_edit_liaison(user, enterprise):
        return enterprise
    if action != "view" and not can_edit_enterprises(user):
        raise PermissionDenied(EDIT_DENIED_MESSAGE)
    return enterprise


def can_edit_enterprises(user: Any) -> bool:
    return has_any_role(user, ENTERPRISE_EDITOR_ROLES) and not scope_of(user).empty


def can_edit_liaison(user: Any, enterprise: Enterprise) -> bool:
    """The enterprise's own users name their 工作联络员; editors may change it too."""
    if can_edit_enterprises(user):
        return True
    scope = scope_of(user)
    return has_any_role(user, {Role.ENTERPRISE}) and scope.enterprise_id == enterprise.pk


def require_enterprise_editor(user: Any) -> None:
    """For creating and importing: there is no object yet, so a plain 403 tells nothing away."""
    if not can_edit_enterprises(user):
        raise PermissionDenied("您没有新增或导入企业的权限")


def scope_regions(user: Any) -> QuerySet[Region]:
    """The active regions inside the user's scope, in tree order (for filter selects)."""
    scope = scope_of(user)
    qs = Region.objects.filter(is_active=True).order_by("path")
    if scope.city_wide:
        return qs
    if scope.region_path is not None:
        return qs.filter(path__startswith=scope.region_path)
    return qs.none()


def editable_regions(user: Any) -> QuerySet[Region]:
    """The regions an editor may register an enterprise in (or move one to): every enterprise
    belongs to a county, zone or below, never to the city as a whole."""
    if not can_edit_enterprises(user):
        return Region.objects.none()
    return scope_regions(user).filter(parent__isnull=False)


def region_in_scope(user: Any, path: str) -> bool:
    scope = scope_of(user)
    if scope.city_wide:
        return True
    return scope.region_path is not None and path.startswith(scope.region_path)


def visible_import_batches(user: Any) -> QuerySet[ImportBatch]:
    if not can_edit_enterprises(user):
        return ImportBatch.objects.none()
    return ImportBatch.objects.filter(created_by_id=user.pk)


def access_import_batch(user: Any, batch_id: int | str) -> ImportBatch:
    try:
        pk = int(batch_id)
    except (TypeError, ValueError) as exc:
        raise NotFound() from exc
    batch = visible_import_batches(user).filter(pk=pk).first()
    if batch is None:
        raise NotFound()
    return batch
