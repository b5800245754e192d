"""`/api/v1/org`: the regions and units directory, its maintenance by administrators, and `me`."""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema, Status

from bangban.accounts.access import scope_of
from bangban.core.answers import Router, answers
from bangban.core.errors import Conflict, ValidationFailed
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import Page, PageNumber, PageSize, page_body

from . import actions
from .access import access_region, access_unit, require_org_admin
from .filters import RegionFilter, UnitFilter
from .models import Region, RegionLevel, SiteLevel, Unit, UnitType
from .queries import region_list, unit_list

router = Router(tags=["组织机构"])

# Field problems of a create or edit: `validation_error` with each field's message in `details`.
FIELD_ERRORS = ValidationFailed


class RegionOut(Schema):
    id: int
    code: str = Field(description="行政区划代码")
    name: str
    level: str = Field(description="city / county / zone / township / village")
    level_label: str
    parent: str | None = Field(None, description="上级区划代码")
    path: str
    official_code: bool
    is_active: bool
    version: int


class RegionIn(Schema):
    code: str
    name: str
    level: RegionLevel
    parent: str | None = Field(None, description="上级区划代码；市级为空")
    official_code: bool = True


class RegionPatch(Schema):
    code: str | None = None
    name: str | None = None
    level: RegionLevel | None = None
    parent: str | None = Field(None, description="上级区划代码")
    official_code: bool | None = None
    is_active: bool | None = None
    version: int | None = Field(None, description="读取时的版本号；已被他人修改时返回 409")


class UnitOut(Schema):
    id: int
    code: str
    name: str
    short_name: str
    type: str
    type_label: str
    site_level: str
    region: str = Field(description="所属区划代码")
    region_name: str
    parent_id: int | None
    parent_name: str | None
    duties: str
    phone: str
    is_active: bool
    version: int


class UnitIn(Schema):
    code: str
    name: str
    short_name: str = ""
    type: UnitType
    site_level: SiteLevel | None = None
    region: str = Field(description="所属区划代码")
    parent_id: int | None = None
    duties: str = ""
    phone: str = ""


class UnitPatch(Schema):
    code: str | None = None
    name: str | None = None
    short_name: str | None = None
    type: UnitType | None = None
    site_level: SiteLevel | None = None
    region: str | None = None
    parent_id: int | None = None
    duties: str | None = None
    phone: str | None = None
    is_active: bool | None = None
    version: int | None = None


class MeOut(Schema):
    username: str
    name: str
    roles: list[dict[str, str]]
    rank: str
    title: str
    unit: dict[str, Any] | None
    enterprise: dict[str, Any] | None
    scope: dict[str, Any]


def region_out(region: Region) -> dict[str, Any]:
    return {
        "id": region.pk,
        "code": region.code,
        "name": region.name,
        "level": region.level,
        "level_label": region.get_level_display(),
        "parent": region.parent.code if region.parent_id and region.parent else None,
        "path": region.path,
        "official_code": region.official_code,
        "is_active": region.is_active,
        "version": region.version,
    }


def unit_out(unit: Unit) -> dict[str, Any]:
    return {
        "id": unit.pk,
        "code": unit.code,
        "name": unit.name,
        "short_name": unit.short_name,
        "type": unit.type,
        "type_label": unit.get_type_display(),
        "site_level": unit.site_level,
        "region": unit.region.code,
        "region_name": unit.region.name,
        "parent_id": unit.parent_id,
        "parent_name": unit.parent.name if unit.parent_id and unit.parent else None,
        "duties": unit.duties,
        "phone": unit.phone,
        "is_active": unit.is_active,
        "version": unit.version,
    }


def _region_by_code(code: str | None, field: str) -> Region | None:
    if not code:
        return None
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise ValidationFailed(
            f"区划代码 {code} 不存在", details=[{"field": field, "message": f"区划代码 {code} 不存在"}]
        )
    return region


def _unit_by_id(unit_id: int | None) -> Unit | None:
    if unit_id is None:
        return None
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        message = f"单位 {unit_id} 不存在"
        raise ValidationFailed(message, details=[{"field": "parent", "message": message}])
    return unit


# --- regions ------------------------------------------------------------------------------------


@router.get("/regions", response=answers(Page[RegionOut]), summary="区划列表")
def list_regions(
    request: AuthedHttpRequest,
    q: str = "",
    level: RegionLevel | None = None,
    parent: str = "",
    page: PageNumber = 1,
    size: PageSize = 20,
) -> dict[str, Any]:
    """按名称/代码（`q`）、层级、上级区划代码筛选；分页参数 `page`、`size`（最大 200）。"""
    filters = RegionFilter(q=q.strip(), level=level.value if level else "", parent=parent.strip())
    return page_body(region_list(request.user, filters), page, size, region_out)


@router.get("/regions/{code}", response=answers(RegionOut), summary="区划详情")
def get_region(request: AuthedHttpRequest, code: str) -> dict[str, Any]:
    return region_out(access_region(request.user, code))


@router.post("/regions", response=answers({201: RegionOut}, FIELD_ERRORS), summary="新增区划")
def create_region(request: AuthedHttpRequest, payload: RegionIn) -> Status:
    require_org_admin(request.user)
    region = actions.do_create_region(
        acting_user=request.user,
        code=payload.code,
        name=payload.name,
        level=payload.level.value,
        parent=_region_by_code(payload.parent, "parent"),
        official_code=payload.official_code,
    )
    return Status(201, region_out(region))


@router.patch(
    "/regions/{code}",
    response=answers(RegionOut, FIELD_ERRORS, Conflict),
    summary="修改区划",
)
def update_region(request: AuthedHttpRequest, code: str, payload: RegionPatch) -> dict[str, Any]:
    region = access_region(request.user, code, action="change")
    data = payload.dict(exclude_unset=True)
    version = data.pop("version", None)
    active = data.pop("is_active", None)
    if "parent" in data:
        data["parent"] = _region_by_code(data["parent"], "parent")
    if "level" in data and data["level"] is not None:
        data["level"] = RegionLevel(data["level"]).value
    changes = {k: v for k, v in data.items() if v is not None or k == "parent"}
    if changes:
        region = actions.do_update_region(
            acting_user=request.user, region_id=region.pk, changes=changes, version=version
        )
        version = region.version
    if active is not None:
        region = actions.do_set_region_active(
            acting_user=request.user, region_id=region.pk, active=active, version=version
        )
    region.refresh_from_db()
    return region_out(region)


# --- units --------------------------------------------------------------------------------------


@router.get("/units", response=answers(Page[UnitOut]), summary="单位列表")
def list_units(
    request: AuthedHttpRequest,
    q: str = "",
    type: UnitType | None = None,
    region: str = "",
    site_level: SiteLevel | None = None,
    active: bool | None = None,
    page: PageNumber = 1,
    size: PageSize = 20,
) -> dict[str, Any]:
    """按名称/简称/编码或拼音首字母（`q`，如 sysp → 沭阳县行政审批局）、单位类型、区划代码（含下级区划）、场所层级、是否在用（`active`）筛选；按区划排列（同一区划的单位相邻）。"""
    filters = UnitFilter(
        q=q.strip(),
        type=type.value if type else "",
        region=region.strip(),
        site_level=site_level.value if site_level else "",
        active="" if active is None else ("1" if active else "0"),
    )
    return page_body(unit_list(request.user, filters), page, size, unit_out)


@router.get("/units/{int:unit_id}", response=answers(UnitOut), summary="单位详情")
def get_unit(request: AuthedHttpRequest, unit_id: int) -> dict[str, Any]:
    return unit_out(access_unit(request.user, unit_id))


@router.post("/units", response=answers({201: UnitOut}, FIELD_ERRORS), summary="新增单位")
def create_unit(request: AuthedHttpRequest, payload: UnitIn) -> Status:
    require_org_admin(request.user)
    region = _region_by_code(payload.region, "region")
    assert region is not None
    unit = actions.do_create_unit(
        acting_user=request.user,
        code=payload.code,
        name=payload.name,
        short_name=payload.short_name,
        type=payload.type.value,
        site_level=payload.site_level.value if payload.site_level else "",
        region=region,
        parent=_unit_by_id(payload.parent_id),
        duties=payload.duties,
        phone=payload.phone,
    )
    return Status(201, unit_out(unit))


@router.patch(
    "/units/{int:unit_id}",
    response=answers(UnitOut, FIELD_ERRORS, Conflict),
    summary="修改单位",
)
def update_unit(request: AuthedHttpRequest, unit_id: int, payload: UnitPatch) -> dict[str, Any]:
    unit = access_unit(request.user, unit_id, action="change")
    data = payload.dict(exclude_unset=True)
    version = data.pop("version", None)
    active = data.pop("is_active", None)
    changes: dict[str, Any] = {}
    for key, value in data.items():
        if key == "region":
            if value is not None:
                changes["region"] = _region_by_code(value, "region")
        elif key == "parent_id":
            changes["parent"] = _unit_by_id(value)
        elif key == "site_level":
            changes["site_level"] = SiteLevel(value).value if value else ""
        elif key == "type":
            if value is not None:
                changes["type"] = UnitType(value).value
        elif value is not None:
            changes[key] = value
    if changes:
        unit = actions.do_update_unit(
            acting_user=request.user, unit_id=unit.pk, changes=changes, version=version
        )
        version = unit.version
    if active is not None:
        unit = actions.do_set_unit_active(
            acting_user=request.user, unit_id=unit.pk, active=active, version=version
        )
    return unit_out(Unit.objects.select_related("region", "parent").get(pk=unit.pk))


# --- the caller ---------------------------------------------------------------------------------


@router.get("/me", response=answers(MeOut), summary="当前用户")
def me(request: AuthedHttpRequest) -> dict[str, Any]:
    """当前登录（或令牌所属）用户：角色、单位、职级和数据范围。"""
    user = request.user
    scope = scope_of(user)
    unit = user.unit
    enterprise = user.enterprise
    return {
        "username": user.username,
        "name": user.display_name,
        "roles": [{"code": r.code, "label": str(r)} for r in user.roles.order_by("code")],
        "rank": user.rank,
        "title": user.title,
        "unit": (
            {"id": unit.pk, "code": unit.code, "name": unit.name, "region": unit.region.code}
            if unit is not None
            else None
        ),
        "enterprise": ({"id": enterprise.pk, "name": enterprise.name} if enterprise is not None else None),
        "scope": {
            "city_wide": scope.city_wide,
            "region_path": scope.region_path,
            "enterprise_id": scope.enterprise_id,
        },
    }
