"""The 对口联系副秘书长 table (R8.2): which deputy secretary-general reviews which category."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from bangban.accounts.models import User
from bangban.accounts.roles import Role
from bangban.audit.actions import record
from bangban.core import kit
from bangban.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from bangban.core.kit import durable_action
from bangban.tickets.models import Category

from .. import access
from ..models import DeputyRoute
from ._common import _int


def deputy_for(category: Category | None) -> User | None:
    while category is not None:
        route = DeputyRoute.objects.select_related("deputy").filter(category=category).first()
        if route is not None and route.deputy.is_active:
            return route.deputy
        category = category.parent
    return None


# The 对口联系副秘书长 table (R8.2): 市政府办公室专人 and the administrator keep it.


def _route_category(category_id: Any) -> Category:
    message = "请选择有效的诉求分类（须存在且已启用）"
    pk = _int(category_id, code="category_invalid", message=message)
    category = Category.objects.filter(pk=pk, is_active=True).first()
    if category is None:
        raise ValidationFailed(message, code="category_invalid")
    return category


def _route_deputy(deputy_id: Any) -> User:
    message = "审核人必须是在岗的对口联系副秘书长（具有副秘书长角色的有效账号）"
    pk = _int(deputy_id, code="reviewer_not_deputy", message=message)
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or not user.roles.filter(code=Role.DEPUTY_SECRETARY_GENERAL).exists():
        raise ValidationFailed(message, code="reviewer_not_deputy")
    return user


def _route_state(route: DeputyRoute) -> dict[str, Any]:
    return {
        "category": route.category_id,
        "category_name": route.category.path or route.category.name,
        "deputy": route.deputy_id,
        "deputy_name": route.deputy.display_name,
    }


def _check_route_editor(user: Any) -> None:
    if not access.can_edit_routes(user):
        raise PermissionDenied(
            "只有市政府办公室专人或系统管理员可以维护对口联系副秘书长", code="permission_denied"
        )


def _mapping_exists(category: Category) -> Conflict:
    return Conflict(
        f"“{category.path or category.name}”已配置对口联系副秘书长，每个分类只能配置一条，请修改原有配置",
        code="mapping_exists",
    )


@durable_action
def do_create_route(*, acting_user: User, category_id: Any, deputy_id: Any) -> DeputyRoute:
    _check_route_editor(acting_user)
    category = _route_category(category_id)
    deputy = _route_deputy(deputy_id)
    # The category row is the lock: two editors adding the same category queue up here.
    Category.objects.select_for_update().filter(pk=category.pk).first()
    if DeputyRoute.objects.filter(category=category).exists():
        raise _mapping_exists(category)
    try:
        with transaction.atomic():
            route = DeputyRoute.objects.create(category=category, deputy=deputy)
    except IntegrityError:
        raise _mapping_exists(category) from None
    record("escalation.deputy_route", actor=acting_user, obj=route,
           object_repr=f"对口联系副秘书长：{category.path or category.name}",
           before=None, after=_route_state(route))  # fmt: skip
    return route


def _locked_route(route_id: Any) -> DeputyRoute:
    return kit.lock(DeputyRoute, route_id, not_found=NotFound("该对口配置不存在或已删除"))


@durable_action
def do_update_route(*, acting_user: User, route_id: Any, category_id: Any, deputy_id: Any) -> DeputyRoute:
    _check_route_editor(acting_user)
    category = _route_category(category_id)
    deputy = _route_deputy(deputy_id)
    route = _locked_route(route_id)
    before = _route_state(route)
    if category.pk != route.category_id:
        Category.objects.select_for_update().filter(pk=category.pk).first()
        if DeputyRoute.objects.filter(category=category).exclude(pk=route.pk).exists():
            raise _mapping_exists(category)
    route.category, route.deputy = category, deputy
    try:
        with transaction.atomic():
            route.save()
    except IntegrityError:
        raise _mapping_exists(category) from None
    record("escalation.deputy_route", actor=acting_user, obj=route,
           object_repr=f"对口联系副秘书长：{category.path or category.name}",
           before=before, after=_route_state(route))  # fmt: skip
    return route


@durable_action
def do_delete_route(*, acting_user: User, route_id: Any) -> None:
    _check_route_editor(acting_user)
    route = _locked_route(route_id)
    before = _route_state(route)
    pk = route.pk
    route.delete()
    record("escalation.deputy_route", actor=acting_user, object_type="escalation.deputyroute",
           object_id=pk, object_repr=f"删除对口联系副秘书长：{before['category_name']}",
           before=before, after=None)  # fmt: skip
