"""`/api/v1/enterprises`: the enterprise registry for integrations (R0.2, R0.7).

Same scope, filters and rules as the pages: a record outside the caller's scope is `not_found`
(404) whether it exists or not; a visible record the caller may not change is
`permission_denied` (403); a stale `version` is `conflict` (409); USCC problems are 400 with
`uscc_empty`, `uscc_length`, `uscc_forbidden_char`, `uscc_check_char` or `uscc_duplicate`.
Phone and ID numbers are masked unless the caller's role needs them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Schema, Status

from bangban.accounts.access import show_id_number, show_phone
from bangban.core.answers import Router, answers
from bangban.core.errors import Conflict
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import Page, PageQuery, page_body

from . import actions
from .access import access_enterprise
from .filters import EnterpriseFilter
from .models import Enterprise
from .queries import enterprise_list
from .validation import INDUSTRY_NAMES

router = Router(tags=["企业库"])

# The codes of a refused record (`actions.py`, `validation.py`): the first problem's code, every
# field's in `details`.
ENTERPRISE_ERRORS = (
    *("uscc_empty", "uscc_length", "uscc_forbidden_char", "uscc_check_char", "uscc_duplicate"),
    *("name_required", "name_too_long", "industry_required", "invalid_industry", "scale_required",
      "invalid_scale", "tier_required", "invalid_tier", "invalid_phone", "invalid_id_number", "invalid_date",
      "invalid_is_active", "region_required", "region_not_found", "region_out_of_scope", "region_too_broad",
      "validation_error"),
)  # fmt: skip


class EnterpriseOut(Schema):
    id: int = Field(description="企业ID")
    uscc: str = Field(description="统一社会信用代码（18位）")
    name: str = Field(description="企业名称")
    region_code: str = Field(description="所属区划代码")
    region_name: str = Field(description="所属区划名称")
    industry: str = Field(description="行业门类字母（GB/T 4754-2017，A–T）")
    industry_name: str = Field(description="行业门类名称")
    scale: str = Field(description="企业规模：large 大型 / medium 中型 / small 小型 / micro 微型")
    tier: str = Field(description="企业层级：city_top100 市工业百强 / county_key 县区重点 / general 一般")
    legal_representative: str = Field(description="法定代表人")
    address: str = Field(description="地址")
    established: dt.date | None = Field(description="成立日期")
    liaison_name: str = Field(description="工作联络员")
    liaison_phone: str = Field(description="联络员手机（无权查看个人信息的角色看到脱敏值）")
    liaison_id_number: str = Field(description="联络员身份证号（无权查看个人信息的角色看到脱敏值）")
    contact_phone: str = Field(description="企业联系电话（无权查看个人信息的角色看到脱敏值）")
    is_active: bool = Field(description="是否存续（false 表示已注销）")
    version: int = Field(description="版本号；修改时原样提交，用于发现并发修改")
    updated_at: dt.datetime = Field(description="最近更新时间")


class EnterpriseQuery(PageQuery):
    q: str | None = Field(None, description="企业名称或统一社会信用代码包含的文字")
    region: str | None = Field(None, description="区划代码；包含其下级区划")
    tier: str | None = Field(None, description="企业层级：city_top100 / county_key / general")
    industry: str | None = Field(None, description="行业门类字母 A–T")
    scale: str | None = Field(None, description="企业规模：large / medium / small / micro")
    is_active: str | None = Field(None, description="1 仅存续，0 仅已注销；不填为全部")


class EnterpriseIn(Schema):
    uscc: str = Field(description="统一社会信用代码（18位，按 GB 32100-2015 校验）")
    name: str = Field(description="企业名称")
    region: str = Field(description="所属区划代码，须在调用者的管辖范围内")
    industry: str = Field(description="行业门类字母 A–T（也接受门类名称，如“制造业”）")
    scale: str = Field(description="企业规模：large / medium / small / micro（也接受 大型/中型/小型/微型）")
    tier: str = Field("general", description="企业层级：city_top100 / county_key / general（也接受中文名称）")
    legal_representative: str = Field("", description="法定代表人")
    address: str = Field("", description="地址")
    established: str | None = Field(None, description="成立日期，如 2020-01-02")
    liaison_name: str = Field("", description="工作联络员")
    liaison_phone: str = Field("", description="联络员手机（11位）")
    liaison_id_number: str = Field("", description="联络员身份证号（18位）")
    contact_phone: str = Field("", description="企业联系电话")


class EnterprisePatch(Schema):
    version: int = Field(description="读取时得到的版本号；若他人已修改则返回 409 conflict")
    uscc: str | None = Field(None, description="统一社会信用代码")
    name: str | None = Field(None, description="企业名称")
    region: str | None = Field(None, description="所属区划代码")
    industry: str | None = Field(None, description="行业门类字母 A–T")
    scale: str | None = Field(None, description="企业规模")
    tier: str | None = Field(None, description="企业层级")
    legal_representative: str | None = Field(None, description="法定代表人")
    address: str | None = Field(None, description="地址")
    established: str | None = Field(None, description="成立日期；传空字符串清除")
    liaison_name: str | None = Field(None, description="工作联络员")
    liaison_phone: str | None = Field(None, description="联络员手机")
    liaison_id_number: str | None = Field(None, description="联络员身份证号")
    contact_phone: str | None = Field(None, description="企业联系电话")
    is_active: bool | None = Field(None, description="false 标记注销，true 恢复存续")


def enterprise_out(user: Any, e: Enterprise) -> dict[str, Any]:
    return {
        "id": e.pk,
        "uscc": e.uscc,
        "name": e.name,
        "region_code": e.region.code,
        "region_name": e.region.name,
        "industry": e.industry,
        "industry_name": INDUSTRY_NAMES.get(e.industry, ""),
        "scale": e.scale,
        "tier": e.tier,
        "legal_representative": e.legal_representative,
        "address": e.address,
        "established": e.established,
        "liaison_name": e.liaison_name,
        "liaison_phone": show_phone(user, e.liaison_phone),
        "liaison_id_number": show_id_number(user, e.liaison_id_number),
        "contact_phone": show_phone(user, e.contact_phone),
        "is_active": e.is_active,
        "version": e.version,
        "updated_at": e.updated_at,
    }


@router.get(
    "",
    response=answers(Page[EnterpriseOut], "invalid_filter"),
    summary="企业列表",
    description="调用者可见范围内的企业，按最近更新排序；筛选值无效时返回 400 invalid_filter。",
)
def list_enterprises(request: HttpRequest, query: Query[EnterpriseQuery]) -> Any:
    params = query.dict(exclude={"page", "size"}, exclude_none=True)
    filters = EnterpriseFilter(params, request.user)
    filters.raise_for_errors()
    return page_body(enterprise_list(filters), query, out=lambda e: enterprise_out(request.user, e))


@router.get(
    "/{enterprise_id}",
    response=answers(EnterpriseOut),
    summary="企业详情",
    description="不存在或不在调用者可见范围内时均返回 404 not_found。",
)
def get_enterprise(request: HttpRequest, enterprise_id: int) -> Any:
    return enterprise_out(request.user, access_enterprise(request.user, enterprise_id))


@router.post(
    "",
    response=answers({201: EnterpriseOut}, ENTERPRISE_ERRORS),
    summary="登记企业",
    description="需要企业库编辑角色；所属区划须在调用者的管辖范围内。统一社会信用代码错误返回 400 uscc_*。",
)
def create_enterprise(request: AuthedHttpRequest, payload: EnterpriseIn) -> Any:
    data = payload.dict()
    if not data.get("established"):
        data.pop("established", None)
    enterprise = actions.do_create_enterprise(acting_user=request.user, data=data)
    enterprise = access_enterprise(request.user, enterprise.pk)
    return Status(201, enterprise_out(request.user, enterprise))


@router.patch(
    "/{enterprise_id}",
    response=answers(EnterpriseOut, ENTERPRISE_ERRORS, Conflict),
    summary="修改企业",
    description="只修改提交的字段；必须附上读取时的 version，他人已修改时返回 409 conflict。"
    "可见但无修改权限返回 403 permission_denied，不可见返回 404 not_found。",
)
def update_enterprise(request: AuthedHttpRequest, enterprise_id: int, payload: EnterprisePatch) -> Any:
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    enterprise = actions.do_update_enterprise(
        acting_user=request.user, enterprise_id=enterprise_id, version=version, changes=changes
    )
    enterprise = access_enterprise(request.user, enterprise.pk)
    return enterprise_out(request.user, enterprise)
