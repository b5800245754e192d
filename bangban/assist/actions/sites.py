"""Sites (服务站点) of the four levels and the roster of their fixed 帮办代办员; 营商办 keeps both."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from bangban.accounts.models import User
from bangban.accounts.roles import STAFF_ROLES
from bangban.audit.actions import record
from bangban.core import kit
from bangban.core.errors import Conflict, ValidationFailed
from bangban.core.kit import durable_action
from bangban.org.models import Region, RegionLevel, SiteLevel, Unit

from ..access import access_site, require_manager
from ..models import RosterEntry, Site
from ._common import day, text

# Which region levels a site of each level may sit in (a functional zone serves like a county).
REGION_LEVELS = {
    SiteLevel.CITY: {RegionLevel.CITY},
    SiteLevel.COUNTY: {RegionLevel.COUNTY, RegionLevel.ZONE},
    SiteLevel.TOWNSHIP: {RegionLevel.TOWNSHIP},
    SiteLevel.VILLAGE: {RegionLevel.VILLAGE},
}


@dataclass
class SiteInput:
    name: Any = ""
    level: Any = ""
    region: Any = ""  # 行政区划代码
    unit_id: Any = None
    address: Any = ""
    phone: Any = ""


def _clean_site(data: SiteInput) -> dict[str, Any]:
    name = text(data.name, "name", "站点名称", 80, required=True)
    level = str(data.level or "").strip()
    if level not in SiteLevel.values:
        raise ValidationFailed(
            "站点层级应为 市级、县级、乡镇级 或 村级", code="invalid_level", details={"field": "level"}
        )
    code = str(data.region or "").strip()
    region = Region.objects.filter(code=code, is_active=True).first() if code else None
    if region is None:
        raise ValidationFailed(
            "请选择站点所属的行政区划", code="region_not_found", details={"field": "region"}
        )
    if region.level not in REGION_LEVELS[SiteLevel(level)]:
        raise ValidationFailed(
            f"{SiteLevel(level).label}站点应设在{'或'.join(str(RegionLevel(x).label) for x in sorted(REGION_LEVELS[SiteLevel(level)]))}，"
            f"“{region.name}”是{RegionLevel(region.level).label}",
            code="level_region_mismatch",
            details={"field": "region"},
        )
    unit = None
    if data.unit_id not in (None, ""):
        try:
            unit = Unit.objects.filter(pk=int(str(data.unit_id)), is_active=True, region=region).first()
        except (TypeError, ValueError):
            unit = None
        if unit is None:
            raise ValidationFailed(
                "所选单位不存在，或不在站点所属区划", code="unit_not_found", details={"field": "unit"}
            )
    return {
        "name": name,
        "level": level,
        "region": region,
        "unit": unit,
        "address": text(data.address, "address", "地址", 200),
        "phone": text(data.phone, "phone", "联系电话", 30),
    }


@durable_action
def do_create_site(*, acting_user: User, data: SiteInput, now: dt.datetime) -> Site:
    require_manager(acting_user)
    fields = _clean_site(data)
    if Site.objects.filter(region=fields["region"], name=fields["name"]).exists():
        raise Conflict(f"{fields['region'].name}已有名为“{fields['name']}”的站点", code="site_duplicate")
    try:
        with transaction.atomic():
            site = Site.objects.create(created_at=now, **fields)
    except IntegrityError:
        raise Conflict(
            f"{fields['region'].name}已有名为“{fields['name']}”的站点", code="site_duplicate"
        ) from None
    record(
        "assist.site_create",
        actor=acting_user,
        obj=site,
        after={"name": site.name, "level": site.level, "region": site.region.code, "unit": site.unit_id},
    )
    return site


@durable_action
def do_set_site_active(
    *, acting_user: User, site_id: Any, active: bool, expected_version: Any = None
) -> Site:
    """停用 / 启用 a site: a stopped site takes no new services; its records stay."""
    require_manager(acting_user)
    site = kit.lock(Site, access_site(acting_user, site_id).pk)
    kit.check_version(site, expected_version)
    if site.is_active == bool(active):
        return site
    site.is_active = bool(active)
    kit.save_change(site, ["is_active"])
    record(
        "assist.site_active",
        actor=acting_user,
        obj=site,
        before={"is_active": not site.is_active},
        after={"is_active": site.is_active},
    )
    return site


def _officer(site: Site, user_id: Any) -> User:
    try:
        pk = int(str(user_id).strip())
    except (TypeError, ValueError):
        pk = 0
    user = User.objects.select_related("unit").filter(pk=pk, is_active=True).first() if pk > 0 else None
    if user is None:
        raise ValidationFailed("请选择帮办代办员", code="user_not_found", details={"field": "user"})
    if not (user.role_codes() & STAFF_ROLES) or user.unit is None or user.unit.region_id != site.region_id:
        raise ValidationFailed(
            f"帮办代办员应为{site.region.name}单位的工作人员（{user.display_name}不是）",
            code="user_not_in_region",
            details={"field": "user"},
        )
    return user


@durable_action
def do_add_to_roster(
    *, acting_user: User, site_id: Any, user_id: Any, start_on: Any, note: Any = "", now: dt.datetime
) -> RosterEntry:
    require_manager(acting_user)
    site = kit.lock(Site, access_site(acting_user, site_id).pk)
    if not site.is_active:
        raise ValidationFailed("站点已停用，不能增加帮办代办员", code="site_inactive")
    user = _officer(site, user_id)
    start = day(start_on, "start_on", "到岗日期")
    if start > timezone.localdate(now):
        raise ValidationFailed("到岗日期不能晚于今天", code="start_in_future", details={"field": "start_on"})
    if RosterEntry.objects.filter(site=site, user=user, end_on__isnull=True).exists():
        raise Conflict(f"{user.display_name}已在{site.name}的名册中", code="already_on_roster")
    entry = RosterEntry.objects.create(
        site=site, user=user, start_on=start, note=text(note, "note", "备注", 200), added_by=acting_user
    )
    record(
        "assist.roster_add",
        actor=acting_user,
        obj=entry,
        object_repr=f"{site.name} {user.display_name}",
        after={"site": site.pk, "user": user.pk, "start_on": start.isoformat(), "note": entry.note},
    )
    return entry


@durable_action
def do_remove_from_roster(
    *, acting_user: User, entry_id: Any, end_on: Any, expected_version: Any = None, now: dt.datetime
) -> RosterEntry:
    require_manager(acting_user)
    entry = kit.lock(RosterEntry.objects.select_related("site", "user"), entry_id)
    kit.check_version(entry, expected_version)
    if entry.end_on is not None:
        raise Conflict("该帮办代办员已离岗", code="already_removed")
    end = day(end_on, "end_on", "离岗日期")
    if end < entry.start_on:
        raise ValidationFailed(
            "离岗日期不能早于到岗日期", code="end_before_start", details={"field": "end_on"}
        )
    if end > timezone.localdate(now):
        raise ValidationFailed("离岗日期不能晚于今天", code="end_in_future", details={"field": "end_on"})
    entry.end_on, entry.removed_by = end, acting_user
    kit.save_change(entry, ["end_on", "removed_by"])
    record(
        "assist.roster_remove",
        actor=acting_user,
        obj=entry,
        object_repr=f"{entry.site.name} {entry.user.display_name}",
        before={"end_on": None},
        after={"end_on": end.isoformat()},
    )
    return entry
