"""The 分管市长 portfolio (R8.2): which vice-mayor is in charge of which category, and so signs its
general problems in the mayor's channel and is told of them. 营商办 and the administrator keep it;
the 常务副市长 signs the categories that no one is in charge of."""

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
from ..models import EscalationSettings, VicePortfolio
from ._common import _int
from .tiers import settings_row

# How the 分管市长 of a case was found (`in_charge`).
BY_PORTFOLIO = "portfolio"
BY_EXECUTIVE = "executive"


def in_charge(category: Category | None) -> tuple[User | None, str]:
    """(the active 分管市长 in charge of `category`, how he was found): the portfolio of the category
    or of its nearest parent; else the 常务副市长; else (None, "")."""
    node = category
    while node is not None:
        row = VicePortfolio.objects.select_related("vice_mayor").filter(category=node).first()
        if row is not None and row.vice_mayor.is_active:
            return row.vice_mayor, BY_PORTFOLIO
        node = node.parent
    executive = settings_row().executive_vice_mayor
    if executive is not None and executive.is_active:
        return executive, BY_EXECUTIVE
    return None, ""


def _check_editor(user: Any) -> None:
    if not access.can_edit_portfolio(user):
        raise PermissionDenied("只有营商办或系统管理员可以维护分管市长分工", code="permission_denied")


def _vice_mayor(user_id: Any, *, field: str = "分管市长") -> User:
    message = f"{field}必须是在岗的分管市长（具有分管市长角色的有效账号）"
    pk = _int(user_id, code="not_vice_mayor", message=message)
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or not user.roles.filter(code=Role.VICE_MAYOR).exists():
        raise ValidationFailed(message, code="not_vice_mayor")
    return user


def _category(category_id: Any) -> Category:
    message = "请选择有效的诉求分类（须存在且已启用）"
    category = Category.objects.filter(
        pk=_int(category_id, code="category_invalid", message=message), is_active=True
    ).first()
    if category is None:
        raise ValidationFailed(message, code="category_invalid")
    return category


def _state(row: VicePortfolio) -> dict[str, Any]:
    return {
        "category": row.category_id,
        "category_name": row.category.path or row.category.name,
        "vice_mayor": row.vice_mayor_id,
        "vice_mayor_name": row.vice_mayor.display_name,
    }


def _taken(category: Category) -> Conflict:
    return Conflict(
        f"“{category.path or category.name}”已明确分管市长，每个分类只能由一位分管市长分管，请先删除原有分工",
        code="portfolio_exists",
    )


@durable_action
def do_assign_portfolio(*, acting_user: User, category_id: Any, vice_mayor_id: Any) -> VicePortfolio:
    """Put a category in a 分管市长's charge (one per category)."""
    _check_editor(acting_user)
    category = _category(category_id)
    vice_mayor = _vice_mayor(vice_mayor_id)
    Category.objects.select_for_update().filter(pk=category.pk).first()
    if VicePortfolio.objects.filter(category=category).exists():
        raise _taken(category)
    try:
        with transaction.atomic():
            row = VicePortfolio.objects.create(category=category, vice_mayor=vice_mayor)
    except IntegrityError:
        raise _taken(category) from None
    record("escalation.vice_portfolio", actor=acting_user, obj=row,
           object_repr=f"分管市长分工：{category.path or category.name}",
           before=None, after=_state(row))  # fmt: skip
    return row


@durable_action
def do_remove_portfolio(*, acting_user: User, portfolio_id: Any) -> None:
    _check_editor(acting_user)
    row = kit.lock(VicePortfolio, portfolio_id, not_found=NotFound("该分工不存在或已删除"))
    before = _state(row)
    pk = row.pk
    row.delete()
    record("escalation.vice_portfolio", actor=acting_user, object_type="escalation.viceportfolio",
           object_id=pk, object_repr=f"删除分管市长分工：{before['category_name']}",
           before=before, after=None)  # fmt: skip


@durable_action
def do_set_executive(*, acting_user: User, vice_mayor_id: Any) -> EscalationSettings:
    """Name the 常务副市长, who signs the categories no 分管市长 is in charge of (empty: nobody)."""
    _check_editor(acting_user)
    row = kit.lock(EscalationSettings, settings_row().pk)
    before = {"executive_vice_mayor": row.executive_vice_mayor_id}
    row.executive_vice_mayor = (
        None if vice_mayor_id in (None, "") else _vice_mayor(vice_mayor_id, field="常务副市长")
    )
    row.save(update_fields=["executive_vice_mayor"])
    record("escalation.vice_portfolio", actor=acting_user, obj=row, object_repr="常务副市长",
           before=before, after={"executive_vice_mayor": row.executive_vice_mayor_id,
                                 "executive_vice_mayor_name": row.executive_vice_mayor.display_name
                                 if row.executive_vice_mayor else ""})  # fmt: skip
    return row
