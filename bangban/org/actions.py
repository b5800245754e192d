"""Every change to regions and units (R0.1). Each `do_*` runs in one transaction, locks the row it
changes, checks the rules of `rules.py` plus those that need the database (unique codes, no
cycles, nothing left under a deactivated row), and records one audit event with a before/after diff.
Permission is checked by the caller through `access.py`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr

from bangban.accounts.models import User
from bangban.audit.actions import diff, record, snapshot
from bangban.core import kit
from bangban.core.errors import NotFound, ValidationFailed
from bangban.core.kit import durable_action

from . import rules
from .models import Region, RegionLevel, SiteLevel, Unit, UnitType

REGION_FIELDS = ("code", "name", "level", "parent", "official_code")
UNIT_FIELDS = ("code", "name", "short_name", "type", "site_level", "region", "parent", "duties", "phone")


# Not part of a unit's audit record: kept by the database (`updated_at`) or derived from the name
# (the pinyin initials of the type-ahead).
UNIT_DERIVED = ("updated_at", "initials", "short_initials")


class Errors:
    """Collects field errors and raises them together as one ValidationFailed."""

    def __init__(self) -> None:
        self.items: list[dict[str, str]] = []

    def add(self, field: str, message: str | None) -> None:
        if message:
            self.items.append({"field": field, "message": message})

    def raise_if_any(self) -> None:
        if self.items:
            raise ValidationFailed(self.items[0]["message"], details=self.items)


def _unknown(changes: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    extra = set(changes) - set(allowed)
    if extra:
        raise ValidationFailed(f"不能修改的字段：{', '.join(sorted(extra))}")


# --- regions ------------------------------------------------------------------------------------


def _validate_region(region: Region | None, values: dict[str, Any]) -> None:
    errors = Errors()
    code, level, name = values["code"], values["level"], values["name"]
    parent: Region | None = values["parent"]
    if level not in RegionLevel.values:
        errors.add("level", "请选择有效的区划层级")
        errors.raise_if_any()
    if not name:
        errors.add("name", "请填写区划名称")
    errors.add("code", rules.region_code_error(code, level))
    others = Region.objects.exclude(pk=region.pk) if region is not None else Region.objects.all()
    if code and others.filter(code=code).exists():
        errors.add("code", f"行政区划代码 {code} 已被使用")
    errors.add("parent", rules.region_parent_error(level, parent.level if parent else None))
    if parent is not None and region is not None and parent.path.startswith(region.path):
        errors.add("parent", "上级区划不能是本区划或其下级区划")
    if region is not None:
        child_levels = set(region.children.values_list("level", flat=True))
        errors.add("level", rules.child_levels_error(level, child_levels))
    if name and others.filter(parent=parent, name=name).exists():
        errors.add("name", f"同一上级区划下已有名为“{name}”的区划")
    errors.raise_if_any()


@durable_action
def do_create_region(
    *,
    acting_user: User,
    code: str,
    name: str,
    level: str,
    parent: Region | None = None,
    official_code: bool = True,
) -> Region:
    values = {"code": code.strip(), "name": name.strip(), "level": level, "parent": parent}
    _validate_region(None, values)
    region = Region(official_code=official_code, **values)
    region.path = region.compute_path()
    region.save()
    record("org.region.created", actor=acting_user, obj=region, after=snapshot(region))
    return region


@durable_action
def do_update_region(
    *, acting_user: User, region_id: int, changes: Mapping[str, Any], version: int | None = None
) -> Region:
    """Change some of `REGION_FIELDS`. A new code or parent rewrites the path of the whole subtree,
    so every scope and filter built on paths follows at once."""
    _unknown(changes, REGION_FIELDS)
    with transaction.atomic():
        region = Region.objects.select_for_update().filter(pk=region_id).first()
        if region is None:
            raise NotFound()
        kit.check_version(region, version)
        before = snapshot(region)
        values: dict[str, Any] = {
            "code": region.code,
            "name": region.name,
            "level": region.level,
            "parent": region.parent,
        }
        values.update({k: v.strip() if isinstance(v, str) else v for k, v in changes.items()})
        values["official_code"] = bool(values.get("official_code", region.official_code))
        if all(values[field] == getattr(region, field) for field in REGION_FIELDS):
            return region
        _validate_region(region, values)
        for field in REGION_FIELDS:
            setattr(region, field, values[field])
        old_path = region.path
        region.path = region.compute_path()
        region.version += 1
        region.save(update_fields=[*REGION_FIELDS, "path", "version"])
        moved = 0
        if region.path != old_path:
            moved = (
                Region.objects.filter(path__startswith=old_path)
                .exclude(pk=region.pk)
                .update(path=Concat(Value(region.path), Substr("path", len(old_path) + 1)))
            )
        old, new = diff(before, snapshot(region))
        if moved and new is not None:
            new["subtree_paths_updated"] = moved
        record("org.region.updated", actor=acting_user, obj=region, before=old, after=new)
    return region


@durable_action
def do_set_region_active(
    *, acting_user: User, region_id: int, active: bool, version: int | None = None
) -> Region:
    with transaction.atomic():
        region = Region.objects.select_for_update().filter(pk=region_id).first()
        if region is None:
            raise NotFound()
        kit.check_version(region, version)
        if region.is_active == active:
            return region
        if active and region.parent is not None and not region.parent.is_active:
            raise ValidationFailed(f"上级区划“{region.parent}”已停用，请先启用上级区划")
        if not active:
            children = region.children.filter(is_active=True).count()
            if children:
                raise ValidationFailed(f"该区划下还有 {children} 个在用的下级区划，请先停用或调整它们")
            units = region.units.filter(is_active=True).count()
            if units:
                raise ValidationFailed(f"该区划下还有 {units} 个在用的单位，请先停用或调整这些单位")
        region.is_active = active
        region.version += 1
        region.save(update_fields=["is_active", "version"])
        record(
            "org.region.activated" if active else "org.region.deactivated",
            actor=acting_user,
            obj=region,
            before={"is_active": not active},
            after={"is_active": active},
        )
    return region


# --- units --------------------------------------------------------------------------------------


def _creates_cycle(unit: Unit, parent: Unit | None) -> bool:
    seen: set[int] = set()
    current = parent
    while current is not None:
        if current.pk == unit.pk or current.pk in seen:
            return True
        seen.add(current.pk)
        current = Unit.objects.filter(pk=current.parent_id).first() if current.parent_id else None
    return False


def _validate_unit(unit: Unit | None, values: dict[str, Any]) -> None:
    errors = Errors()
    unit_type, site_level = values["type"], values["site_level"]
    region: Region | None = values["region"]
    parent: Unit | None = values["parent"]
    if unit_type not in UnitType.values:
        errors.add("type", "请选择有效的单位类型")
        errors.raise_if_any()
    if site_level and site_level not in SiteLevel.values:
        errors.add("site_level", "请选择有效的场所层级")
        errors.raise_if_any()
    errors.add("code", rules.unit_code_error(values["code"]))
    others = Unit.objects.exclude(pk=unit.pk) if unit is not None else Unit.objects.all()
    if values["code"] and others.filter(code=values["code"]).exists():
        errors.add("code", f"单位编码 {values['code']} 已被使用")
    if not values["name"]:
        errors.add("name", "请填写单位名称")
    elif others.filter(name=values["name"]).exists():
        errors.add("name", f"已有名为“{values['name']}”的单位")
    errors.add("site_level", rules.site_level_error(unit_type, site_level))
    if region is None:
        errors.add("region", "请选择所属区划")
    else:
        if not region.is_active and (unit is None or unit.region_id != region.pk):
            errors.add("region", f"区划“{region}”已停用")
        errors.add("region", rules.unit_region_error(unit_type, site_level, region.level))
    if parent is not None:
        if unit is not None and _creates_cycle(unit, parent):
            errors.add("parent", "上级单位不能是本单位或其下级单位")
        elif not parent.is_active and (unit is None or unit.parent_id != parent.pk):
            errors.add("parent", f"单位“{parent}”已停用，不能作为上级单位")
    errors.add("phone", rules.phone_error(values["phone"]))
    errors.raise_if_any()


def _clean_unit_values(values: Mapping[str, Any]) -> dict[str, Any]:
    cleaned = {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items()}
    if "site_level" in cleaned and cleaned["site_level"] is None:
        cleaned["site_level"] = ""
    if isinstance(cleaned.get("code"), str):
        cleaned["code"] = cleaned["code"].lower()
    return cleaned


@durable_action
def do_create_unit(
    *,
    acting_user: User,
    code: str,
    name: str,
    type: str,
    region: Region,
    short_name: str = "",
    site_level: str = "",
    parent: Unit | None = None,
    duties: str = "",
    phone: str = "",
) -> Unit:
    values = _clean_unit_values(
        {
            "code": code,
            "name": name,
            "short_name": short_name,
            "type": type,
            "site_level": site_level,
            "region": region,
            "parent": parent,
            "duties": duties,
            "phone": phone,
        }
    )
    _validate_unit(None, values)
    unit = Unit.objects.create(**values)
    record("org.unit.created", actor=acting_user, obj=unit, after=snapshot(unit, exclude=UNIT_DERIVED))
    return unit


@durable_action
def do_update_unit(
    *, acting_user: User, unit_id: int, changes: Mapping[str, Any], version: int | None = None
) -> Unit:
    _unknown(changes, UNIT_FIELDS)
    with transaction.atomic():
        unit = Unit.objects.select_for_update().filter(pk=unit_id).first()
        if unit is None:
            raise NotFound()
        kit.check_version(unit, version)
        before = snapshot(unit, exclude=UNIT_DERIVED)
        values: dict[str, Any] = {field: getattr(unit, field) for field in UNIT_FIELDS}
        values.update(_clean_unit_values(changes))
        _validate_unit(unit, values)
        if all(values[field] == getattr(unit, field) for field in UNIT_FIELDS):
            return unit
        for field in UNIT_FIELDS:
            setattr(unit, field, values[field])
        unit.version += 1
        unit.save(update_fields=[*UNIT_FIELDS, "version", "updated_at"])
        old, new = diff(before, snapshot(unit, exclude=UNIT_DERIVED))
        record("org.unit.updated", actor=acting_user, obj=unit, before=old, after=new)
    return unit


def do_set_unit_active(*, acting_user: User, unit_id: int, active: bool, version: int | None = None) -> Unit:
    with transaction.atomic(durable=True):
        unit = Unit.objects.select_for_update().filter(pk=unit_id).first()
        if unit is None:
            raise NotFound()
        kit.check_version(unit, version)
        if unit.is_active == active:
            return unit
        if active:
            if not unit.region.is_active:
                raise ValidationFailed(f"所属区划“{unit.region}”已停用，请先启用该区划")
            if unit.parent is not None and not unit.parent.is_active:
                raise ValidationFailed(f"上级单位“{unit.parent}”已停用，请先启用上级单位")
        else:
            children = unit.children.filter(is_active=True).count()
            if children:
                raise ValidationFailed(f"该单位下还有 {children} 个在用的下级单位，请先停用或调整它们")
            staff = unit.staff.filter(is_active=True).count()
            if staff:
                raise ValidationFailed(f"该单位还有 {staff} 个在用账号，请先调整这些人员的所在单位")
        unit.is_active = active
        unit.version += 1
        unit.save(update_fields=["is_active", "version", "updated_at"])
        record(
            "org.unit.activated" if active else "org.unit.deactivated",
            actor=acting_user,
            obj=unit,
            before={"is_active": not active},
            after={"is_active": active},
        )
    return unit
