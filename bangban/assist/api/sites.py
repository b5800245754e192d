"""`/api/v1/assist/sites`: the service sites (服务站点) and their roster of 帮办代办员."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Schema, Status

from bangban.core.answers import answers
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import Page, PageQuery, page_body

from .. import actions, queries
from ..access import access_site
from ..models import RosterEntry, Site
from ._common import VERSION, router, text_codes


class AssistSiteOut(Schema):
    id: int = Field(description="站点ID")
    name: str = Field(description="站点名称")
    level: str = Field(description="层级：city 市级 / county 县级 / township 乡镇级 / village 村级")
    region_code: str = Field(description="所属行政区划代码")
    region_name: str = Field(description="所属行政区划")
    unit_id: int | None = Field(description="所在政务服务场所（单位ID）")
    address: str = Field(description="地址")
    phone: str = Field(description="联系电话")
    is_active: bool = Field(description="启用")
    officers: int = Field(description="在岗帮办代办员人数")
    version: int = Field(description="版本号")


class AssistSiteQuery(PageQuery):
    level: str | None = Field(None, max_length=10, description="层级：city / county / township / village")
    q: str | None = Field(None, max_length=100, description="站点名称或区划名称包含")


class AssistSiteIn(Schema):
    name: str = Field(description="站点名称，必填，不超过 80 字")
    level: str = Field(description="层级：city / county / township / village")
    region: str = Field(
        description="所属行政区划代码（市级站点设在市，县级设在县区或功能区，乡镇级设在乡镇街道，村级设在村社区）"
    )
    unit_id: int | None = Field(None, description="所在政务服务场所（同一区划的单位ID），可选")
    address: str = Field("", description="地址")
    phone: str = Field("", description="联系电话")


class AssistRosterOut(Schema):
    id: int = Field(description="名册记录ID")
    site_id: int = Field(description="站点ID")
    user_id: int = Field(description="帮办代办员（用户ID）")
    user_name: str = Field(description="帮办代办员姓名")
    unit_name: str = Field(description="所在单位")
    start_on: dt.date = Field(description="到岗日期")
    end_on: dt.date | None = Field(description="离岗日期；空为在岗")
    note: str = Field(description="备注")
    version: int = Field(description="版本号")


class AssistRosterIn(Schema):
    user_id: int = Field(description="帮办代办员（用户ID）：站点所属区划单位的工作人员")
    start_on: dt.date = Field(description="到岗日期，不晚于今天")
    note: str = Field("", description="备注，不超过 200 字")


class AssistRosterEndIn(Schema):
    end_on: dt.date = Field(description="离岗日期，不早于到岗日期、不晚于今天")
    version: int | None = Field(None, description="读取时的版本号（可选）")


def _officers(s: Site) -> int:
    """On the roster now: annotated by the list's query, counted for one site."""
    found = getattr(s, "officers", None)
    return int(found) if found is not None else s.roster.filter(end_on__isnull=True).count()


def site_out(s: Site) -> dict[str, Any]:
    return {
        "id": s.pk, "name": s.name, "level": s.level, "region_code": s.region.code, "region_name": s.region.name,
        "unit_id": s.unit_id, "address": s.address, "phone": s.phone, "is_active": s.is_active,
        "officers": _officers(s), "version": s.version,
    }  # fmt: skip


def roster_out(e: RosterEntry) -> dict[str, Any]:
    return {
        "id": e.pk, "site_id": e.site_id, "user_id": e.user_id, "user_name": e.user.display_name,
        "unit_name": e.user.unit.name if e.user.unit else "", "start_on": e.start_on, "end_on": e.end_on,
        "note": e.note, "version": e.version,
    }  # fmt: skip


SITE_INPUT = [
    *text_codes("name", "address", "phone", required=("name",)), "invalid_level", "region_not_found",
    "level_region_mismatch", "unit_not_found", (409, "site_duplicate"),
]  # fmt: skip


@router.get("/sites", response=answers(Page[AssistSiteOut], "invalid_level"), summary="帮办代办站点")
def list_sites(request: HttpRequest, query: Query[AssistSiteQuery]) -> Any:
    qs = queries.sites(request.user, query.dict(exclude={"page", "size"}))
    return page_body(qs, query, out=site_out)


@router.post("/sites", response=answers({201: AssistSiteOut}, SITE_INPUT), summary="新增站点（营商办）")
def create_site(request: AuthedHttpRequest, payload: AssistSiteIn) -> Any:
    site = actions.do_create_site(
        acting_user=request.user, data=actions.SiteInput(**payload.dict()), now=timezone.now()
    )
    return Status(201, site_out(access_site(request.user, site.pk)))


@router.get("/sites/{site_id}", response=answers(AssistSiteOut), summary="站点详情")
def get_site(request: HttpRequest, site_id: int) -> Any:
    return site_out(access_site(request.user, site_id))


@router.get(
    "/sites/{site_id}/roster", response=answers(list[AssistRosterOut]), summary="站点的帮办代办员名册"
)
def site_roster(request: HttpRequest, site_id: int) -> Any:
    site = access_site(request.user, site_id)
    return [
        roster_out(e)
        for e in site.roster.select_related("user", "user__unit").order_by("-end_on", "start_on")
    ]


@router.post(
    "/sites/{site_id}/roster",
    response=answers(
        {201: AssistRosterOut}, "user_not_found", "user_not_in_region", "start_in_future", "site_inactive",
        "note_too_long", (409, "already_on_roster"),
    ),
    summary="帮办代办员上岗（营商办）",
)  # fmt: skip
def add_to_roster(request: AuthedHttpRequest, site_id: int, payload: AssistRosterIn) -> Any:
    entry = actions.do_add_to_roster(
        acting_user=request.user, site_id=site_id, user_id=payload.user_id, start_on=payload.start_on,
        note=payload.note, now=timezone.now(),
    )  # fmt: skip
    return Status(201, roster_out(entry))


@router.post(
    "/roster/{entry_id}/end",
    response=answers(
        AssistRosterOut, "end_before_start", "end_in_future", *VERSION, (409, "already_removed")
    ),
    summary="帮办代办员离岗（营商办）",
)
def remove_from_roster(request: AuthedHttpRequest, entry_id: int, payload: AssistRosterEndIn) -> Any:
    entry = actions.do_remove_from_roster(
        acting_user=request.user, entry_id=entry_id, end_on=payload.end_on, expected_version=payload.version,
        now=timezone.now(),
    )  # fmt: skip
    return roster_out(entry)
