"""Routing rules: creating, updating and deleting them."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from bangban.accounts.models import User
from bangban.audit.actions import diff, record, snapshot
from bangban.core.errors import NotFound
from bangban.core.kit import durable_action
from bangban.org.models import Region, Unit

from ..models import Category, RoutingRule
from ._common import _invalid
from .access import require_config_admin


def _rule_refs(
    category_id: int | None, region_id: int | None, unit_id: int | None
) -> tuple[Category | None, Region | None, Unit]:
    category = None
    if category_id:
        category = Category.objects.filter(pk=category_id).first()
        if category is None:
            raise _invalid("category", "unknown_category", "诉求分类不存在")
    region = None
    if region_id:
        region = Region.objects.filter(pk=region_id).first()
        if region is None:
            raise _invalid("region", "unknown_region", "区划不存在")
    unit = Unit.objects.filter(pk=unit_id, is_active=True).first() if unit_id else None
    if unit is None:
        raise _invalid("unit", "unknown_unit", "请选择启用中的责任单位")
    return category, region, unit


def _check_rule_unique(category: Category | None, region: Region | None, exclude: int | None = None) -> None:
    qs = RoutingRule.objects.filter(
        Q(category__isnull=True) if category is None else Q(category=category),
        Q(region__isnull=True) if region is None else Q(region=region),
    )
    if exclude:
        qs = qs.exclude(pk=exclude)
    if qs.exists():
        raise _invalid("category", "routing_rule_duplicate", "已有相同分类和区划的派单规则，请修改原规则")


@durable_action
def do_create_routing_rule(
    *,
    acting_user: User,
    unit_id: int,
    category_id: int | None = None,
    region_id: int | None = None,
    priority: int = 0,
    is_active: bool = True,
    note: str = "",
) -> RoutingRule:
    require_config_admin(acting_user)
    category, region, unit = _rule_refs(category_id, region_id, unit_id)
    _check_rule_unique(category, region)
    rule = RoutingRule.objects.create(
        category=category,
        region=region,
        unit=unit,
        priority=int(priority or 0),
        is_active=bool(is_active),
        note=(note or "").strip()[:200],
    )
    record("tickets.routing_rule_created", actor=acting_user, obj=rule, after=snapshot(rule))
    return rule


_UNSET: Any = object()


@durable_action
def do_update_routing_rule(
    *,
    acting_user: User,
    rule_id: int,
    unit_id: Any = _UNSET,
    category_id: Any = _UNSET,
    region_id: Any = _UNSET,
    priority: Any = _UNSET,
    is_active: Any = _UNSET,
    note: Any = _UNSET,
) -> RoutingRule:
    """Change the given fields only (pass None for category/region to mean "any")."""
    require_config_admin(acting_user)
    rule = RoutingRule.objects.select_for_update().filter(pk=rule_id).first()
    if rule is None:
        raise NotFound()
    before = snapshot(rule)
    category, region, unit = _rule_refs(
        rule.category_id if category_id is _UNSET else category_id,
        rule.region_id if region_id is _UNSET else region_id,
        rule.unit_id if unit_id is _UNSET else unit_id,
    )
    _check_rule_unique(category, region, exclude=rule.pk)
    rule.category, rule.region, rule.unit = category, region, unit
    if priority is not _UNSET:
        rule.priority = int(priority or 0)
    if is_active is not _UNSET:
        rule.is_active = bool(is_active)
    if note is not _UNSET:
        rule.note = (note or "").strip()[:200]
    rule.save()
    old, new = diff(before, snapshot(rule))
    if new:
        record("tickets.routing_rule_updated", actor=acting_user, obj=rule, before=old, after=new)
    return rule


@durable_action
def do_delete_routing_rule(*, acting_user: User, rule_id: int) -> None:
    require_config_admin(acting_user)
    rule = RoutingRule.objects.select_for_update().filter(pk=rule_id).first()
    if rule is None:
        raise NotFound()
    before = snapshot(rule)
    text = str(rule)[:200]
    rule.delete()
    record(
        "tickets.routing_rule_deleted",
        actor=acting_user,
        object_type="tickets.routingrule",
        object_id=rule_id,
        object_repr=text,
        before=before,
    )
