"""The shape rules of regions and units (R0.1). Pure: each function answers one question with a
Chinese message (or None), so that pages, the API and the demo loader apply the same rules."""

from __future__ import annotations

import re
from typing import Any

from .models import ALLOWED_PARENT_LEVELS, RegionLevel, SiteLevel, UnitType

# 行政区划代码: 6 digits down to county level (GB/T 2260), 9 for townships and 12 for villages
# (the statistical division code's township and village parts).
REGION_CODE_LENGTHS: dict[str, int] = {
    RegionLevel.CITY: 6,
    RegionLevel.COUNTY: 6,
    RegionLevel.ZONE: 6,
    RegionLevel.TOWNSHIP: 9,
    RegionLevel.VILLAGE: 12,
}

# Which region levels a unit of each type belongs to. A service site's level follows its site
# level (a county-level 政务服务中心 of a functional zone sits in the zone).
UNIT_REGION_LEVELS: dict[str, set[str]] = {
    UnitType.CITY_DEPARTMENT: {RegionLevel.CITY},
    UnitType.COUNTY_GOVERNMENT: {RegionLevel.COUNTY},
    UnitType.ZONE_COMMITTEE: {RegionLevel.ZONE},
    UnitType.COUNTY_DEPARTMENT: {RegionLevel.COUNTY, RegionLevel.ZONE},
    UnitType.TOWNSHIP: {RegionLevel.TOWNSHIP},
}
SITE_REGION_LEVELS: dict[str, set[str]] = {
    SiteLevel.CITY: {RegionLevel.CITY},
    SiteLevel.COUNTY: {RegionLevel.COUNTY, RegionLevel.ZONE},
    SiteLevel.TOWNSHIP: {RegionLevel.TOWNSHIP},
    SiteLevel.VILLAGE: {RegionLevel.VILLAGE},
}

UNIT_CODE_RE = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
PHONE_RE = re.compile(r"^[0-9+()\- ]{3,30}$")


def level_label(level: str | None) -> str:
    if level is None:
        return "无上级"
    try:
        return str(RegionLevel(level).label)
    except ValueError:
        return level


def _labels(levels: set[str]) -> str:
    order = list(RegionLevel)
    return "或".join(level_label(lv) for lv in sorted(levels, key=lambda lv: order.index(RegionLevel(lv))))


def region_code_error(code: str, level: str) -> str | None:
    if not code:
        return "请填写行政区划代码"
    if not (code.isascii() and code.isdigit()):
        return "行政区划代码只能由数字组成"
    expected = REGION_CODE_LENGTHS.get(level)
    if expected is not None and len(code) != expected:
        return f"{level_label(level)}级区划的行政区划代码应为 {expected} 位数字（当前 {len(code)} 位）"
    return None


def _allowed_parents(level: str) -> set[str | None]:
    table: dict[Any, set[Any]] = ALLOWED_PARENT_LEVELS  # type: ignore[assignment]
    return table.get(RegionLevel(level), set())


def region_parent_error(level: str, parent_level: str | None) -> str | None:
    allowed = _allowed_parents(level)
    if parent_level in allowed:
        return None
    if allowed == {None}:
        return f"{level_label(level)}级区划是最高层级，不能有上级区划"
    named = {str(lv) for lv in allowed if lv is not None}
    if parent_level is None:
        return f"{level_label(level)}级区划必须选择上级区划（{_labels(named)}）"
    return f"{level_label(level)}级区划的上级应为{_labels(named)}，不能是{level_label(parent_level)}"


def child_levels_error(level: str, child_levels: set[str]) -> str | None:
    """A region's level can change only if its existing sub-regions may still sit under it."""
    stranded = {child for child in child_levels if level not in _allowed_parents(child)}
    if not stranded:
        return None
    return f"该区划下已有{_labels(stranded)}级区划，层级不能改为{level_label(level)}"


def site_level_error(unit_type: str, site_level: str) -> str | None:
    if unit_type == UnitType.SERVICE_SITE and not site_level:
        return "政务服务场所须选择场所层级（市级、县级、乡镇级或村级）"
    if unit_type != UnitType.SERVICE_SITE and site_level:
        return "只有政务服务场所才填写场所层级"
    return None


def unit_region_error(unit_type: str, site_level: str, region_level: str) -> str | None:
    if unit_type == UnitType.SERVICE_SITE:
        allowed = SITE_REGION_LEVELS.get(site_level)
        if allowed is None or region_level in allowed:
            return None
        return f"{SiteLevel(site_level).label}政务服务场所应属于{_labels(allowed)}级区划"
    allowed = UNIT_REGION_LEVELS.get(unit_type)
    if allowed is None or region_level in allowed:
        return None
    return f"{UnitType(unit_type).label}应属于{_labels(allowed)}级区划，不能是{level_label(region_level)}级"


def unit_code_error(code: str) -> str | None:
    if not code:
        return "请填写单位编码"
    if not UNIT_CODE_RE.match(code):
        return "单位编码只能由小写字母、数字和连字符组成，如 city-commerce"
    return None


def phone_error(phone: str) -> str | None:
    if phone and not PHONE_RE.match(phone):
        return "联系电话只能包含数字、空格、括号和连字符"
    return None
