"""The category tree: reading it, creating, updating and deleting categories."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from bangban.accounts.models import User
from bangban.audit.actions import diff, record, snapshot
from bangban.core.errors import Conflict, NotFound
from bangban.core.kit import durable_action

from ..models import Category
from ._common import NAME_MAX, _invalid, _new_category
from .access import require_config_admin


def category_tree(*, include_inactive: bool = True) -> list[dict[str, Any]]:
    """The whole catalogue as nested dicts (one query), in display order."""
    qs = Category.objects.order_by("level", "sort", "code")
    if not include_inactive:
        qs = qs.filter(is_active=True)
    nodes: dict[int, dict[str, Any]] = {}
    roots: list[dict[str, Any]] = []
    for c in qs:
        node = {
            "id": c.pk,
            "code": c.code,
            "name": c.name,
            "path": c.path,
            "level": c.level,
            "is_active": c.is_active,
            "children": [],
        }
        nodes[c.pk] = node
        if c.parent_id is None:
            roots.append(node)
        elif c.parent_id in nodes:
            nodes[c.parent_id]["children"].append(node)
    return roots


def _clean_name(name: Any) -> str:
    text = " ".join(str(name or "").split())
    if not text:
        raise _invalid("name", "name_required", "请填写分类名称")
    if len(text) > NAME_MAX:
        raise _invalid("name", "name_too_long", f"分类名称不能超过 {NAME_MAX} 个字")
    if "/" in text:
        raise _invalid("name", "name_invalid", "分类名称不能包含“/”")
    return text


@durable_action
def do_create_category(
    *, acting_user: User, name: str, parent_id: int | None = None, sort: int | None = None
) -> Category:
    require_config_admin(acting_user)
    clean = _clean_name(name)
    parent = None
    if parent_id:
        parent = Category.objects.select_for_update().filter(pk=parent_id).first()
        if parent is None:
            raise _invalid("parent", "unknown_category", "上级分类不存在")
        if not parent.is_active:
            raise _invalid("parent", "category_inactive", "上级分类已停用，请先启用")
    category = _new_category(parent, clean, sort)
    record("tickets.category_created", actor=acting_user, obj=category, after=snapshot(category))
    return category


def _descendants(category: Category) -> QuerySet[Category]:
    return Category.objects.filter(path__startswith=f"{category.path}/", code__startswith=category.code)


@durable_action
def do_update_category(
    *,
    acting_user: User,
    category_id: int,
    name: str | None = None,
    sort: int | None = None,
    is_active: bool | None = None,
) -> Category:
    """Rename (the full names of its descendants follow), reorder, deactivate (its descendants
    too: a retired branch cannot be chosen any more; cases keep their category) or reactivate (only
    under an active parent)."""
    require_config_admin(acting_user)
    category = Category.objects.select_for_update().filter(pk=category_id).first()
    if category is None:
        raise NotFound()
    before = snapshot(category)
    affected = 0
    if name is not None:
        clean = _clean_name(name)
        if clean != category.name:
            if (
                Category.objects.filter(parent_id=category.parent_id, name=clean)
                .exclude(pk=category.pk)
                .exists()
            ):
                raise _invalid("name", "category_duplicate", f"同一上级下已有名为“{clean}”的分类")
            old_path = category.path
            category.name = clean
            category.path = f"{category.parent.path}/{clean}" if category.parent else clean
            for child in Category.objects.filter(
                path__startswith=f"{old_path}/", code__startswith=category.code
            ):
                child.path = category.path + child.path[len(old_path) :]
                child.save(update_fields=["path"])
                affected += 1
    if sort is not None:
        category.sort = max(int(sort), 0)
    if is_active is not None and is_active != category.is_active:
        if is_active and category.parent is not None and not category.parent.is_active:
            raise _invalid("is_active", "category_inactive", "上级分类已停用，请先启用上级分类")
        category.is_active = is_active
        if not is_active:
            affected += _descendants(category).filter(is_active=True).update(is_active=False)
    category.save(update_fields=["name", "path", "sort", "is_active"])
    old, new = diff(before, snapshot(category))
    if new:
        if affected:
            new = {**new, "descendants_changed": affected}
        record("tickets.category_updated", actor=acting_user, obj=category, before=old, after=new)
    return category


@durable_action
def do_delete_category(*, acting_user: User, category_id: int) -> None:
    """Only a category nobody uses (no sub-categories, cases or routing rules); otherwise deactivate it."""
    require_config_admin(acting_user)
    category = Category.objects.select_for_update().filter(pk=category_id).first()
    if category is None:
        raise NotFound()
    if category.children.exists() or category.tickets.exists() or category.routing_rules.exists():
        raise Conflict("该分类已有下级分类、诉求或派单规则，不能删除，可改为停用", code="category_in_use")
    before = snapshot(category)
    category.delete()
    record(
        "tickets.category_deleted",
        actor=acting_user,
        object_type="tickets.category",
        object_id=category_id,
        object_repr=before.get("path", ""),
        before=before,
    )
