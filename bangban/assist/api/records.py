"""`/api/v1/assist/records`: the services given (帮办服务记录)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Query, Schema, Status

from bangban.core.answers import answers
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import Page, PageQuery, page_body
from bangban.core.urls_abs import absolute_url

from .. import actions, queries
from ..access import access_record
from ..models import ServiceRecord
from ._common import RECORD_INPUT, router

LIST_ERRORS = ["invalid_site", "invalid_service_type", "invalid_level", "invalid_month"]


class AssistRecordOut(Schema):
    id: int = Field(description="服务记录ID")
    site_id: int = Field(description="站点ID")
    site_name: str = Field(description="站点")
    officer: str = Field(description="帮办代办员")
    service_type: str = Field(
        description="服务类型：consult 咨询解答 / guide 导服导办 / accompany 全程帮办 / proxy 免费代办"
    )
    enterprise_id: int | None = Field(description="企业ID（已登记的企业）")
    enterprise_name: str = Field(description="企业名称")
    matter: str = Field(description="事项")
    started_at: dt.datetime = Field(description="开始时间")
    ended_at: dt.datetime = Field(description="结束时间")
    minutes: int = Field(description="用时（分钟）")
    outcome: str = Field(description="结果：done 办结 / transferred 转办 / unfinished 未办结")
    outcome_note: str = Field(description="结果说明")
    rating_url: str = Field(description="企业评价本次服务的链接（二维码内容）")
    rating_level: int | None = Field(description="企业评价：1 非常满意 … 5 非常不满意；空为尚未评价")
    version: int = Field(description="版本号")


class AssistRecordQuery(PageQuery):
    q: str | None = Field(None, max_length=100, description="企业、事项或帮办代办员包含")
    site: str | None = Field(None, max_length=9, description="站点ID")
    type: str | None = Field(None, max_length=12, description="服务类型")
    level: str | None = Field(None, max_length=10, description="站点层级")
    month: str | None = Field(None, max_length=7, description="开始时间所在月份，如 2026-11")


class AssistRecordIn(Schema):
    site_id: int = Field(description="站点ID（登记人须在该站点名册内）")
    service_type: str = Field(description="服务类型：consult / guide / accompany / proxy")
    enterprise_id: int | None = Field(None, description="已登记企业的ID；未登记的企业填 enterprise_name")
    enterprise_name: str = Field("", description="未登记企业的名称，不超过 120 字")
    matter: str = Field(description="事项，必填，不超过 200 字")
    started_at: dt.datetime = Field(description="开始时间，不晚于现在")
    ended_at: dt.datetime = Field(description="结束时间，晚于开始时间、不晚于现在，一次服务不超过 12 小时")
    outcome: str = Field(description="结果：done / transferred / unfinished")
    outcome_note: str = Field("", description="结果说明；转办、未办结时必填，不超过 500 字")


def rating_url(r: ServiceRecord) -> str:
    return absolute_url(reverse("assist:rate", args=[r.rating_key]))


def record_out(r: ServiceRecord) -> dict[str, Any]:
    link = getattr(r, "rating_link", None)
    level = link.rating.level if link is not None and link.rating.voided_at is None else None
    return {
        "id": r.pk, "site_id": r.site_id, "site_name": r.site.name, "officer": r.officer.display_name,
        "service_type": r.service_type, "enterprise_id": r.enterprise_id, "enterprise_name": r.enterprise_name,
        "matter": r.matter, "started_at": r.started_at, "ended_at": r.ended_at, "minutes": r.minutes,
        "outcome": r.outcome, "outcome_note": r.outcome_note, "rating_url": rating_url(r), "rating_level": level,
        "version": r.version,
    }  # fmt: skip


@router.get("/records", response=answers(Page[AssistRecordOut], LIST_ERRORS), summary="帮办服务记录")
def list_records(request: HttpRequest, query: Query[AssistRecordQuery]) -> Any:
    params = {k: v or "" for k, v in query.dict(exclude={"page", "size"}).items()}
    return page_body(queries.records(request.user, params), query, out=record_out)


@router.post(
    "/records",
    response=answers({201: AssistRecordOut}, RECORD_INPUT),
    summary="登记一次帮办服务（帮办代办员）",
    description="同一人的服务时间不能重叠（409 record_overlaps）；同一企业、同一事项 10 分钟内再次登记视为重复"
    "（409 record_duplicate）。",
)
def create_record(request: AuthedHttpRequest, payload: AssistRecordIn) -> Any:
    service = actions.do_record_service(
        acting_user=request.user, data=actions.RecordInput(**payload.dict()), now=timezone.now()
    )
    return Status(201, record_out(access_record(request.user, service.pk)))


@router.get("/records/{record_id}", response=answers(AssistRecordOut), summary="服务记录详情")
def get_record(request: HttpRequest, record_id: int) -> Any:
    return record_out(access_record(request.user, record_id))
