"""`/outreach/symposia`, `/suggestions`: entrepreneurs' symposia and the suggestions they raise (R13)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Schema, Status

from bangban.core.answers import answers
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import PageQuery, page_body
from bangban.core.schemas import YearField

from .. import forums, queries, symposia
from ..access import access_symposium
from ..models import Symposium
from ._common import ERRORS, LIST_ERRORS, Records, _at, router
from .reports import OutreachNoteIn


def symposium_out(s: Symposium, now: dt.datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    return {
        "id": s.pk,
        "year": s.year,
        "half": s.half,
        "title": s.title,
        "themes": s.theme_list,
        "status": s.status,
        "status_label": s.get_status_display(),
        "planned_on": s.planned_on.isoformat() if s.planned_on else None,
        "held_on": s.held_on.isoformat() if s.held_on else None,
        "half_ends_on": symposia.half_end(s.year, s.half).isoformat(),
        "not_held_in_half": symposia.not_held_in_half(s, now),
        "co_units": [
            {
                "unit_id": c.unit_id,
                "name": c.unit.name,
                "notified_at": _at(c.notified_at),
                "notified_people": c.notified_people,
            }
            for c in symposia.co_unit_links(s)
        ],
        "version": s.version,
        "nominations": [
            {
                "id": n.pk,
                "enterprise_id": n.enterprise_id,
                "source": n.source,
                "status": n.status,
                "reason": n.reason,
            }
            for n in s.nominations.all()
        ],
        "policies": [p.pk for p in s.policies.all()],
        "suggestions": [
            {
                "id": x.pk,
                "enterprise_id": x.enterprise_id,
                "content": x.content,
                "is_major": x.is_major,
                "ticket_number": x.ticket.number if x.ticket else "",
                "follow_ups": [f.note for f in x.follow_ups.all()],
            }
            for x in s.suggestions.select_related("ticket").prefetch_related("follow_ups")
        ],
    }


class SymposiumIn(Schema):
    year: YearField
    half: int = Field(description="1 上半年 / 2 下半年")
    title: str = Field("", description="名称（不填自动生成）")
    themes: str = Field(description="主题，每行一个")
    lead_unit_id: int | None = Field(None, description="牵头单位ID")
    co_unit_ids: list[int] = Field([], description="配合单位ID（设定后通知各单位）")
    planned_on: dt.date | None = Field(None, description="计划召开日期（须在该半年内）")


class CoUnitsIn(Schema):
    unit_ids: list[int] = Field(description="配合单位ID（整体替换；新增、移除的单位均收到通知）")
    version: int | None = Field(None, description="读取时的版本号（可选）；他人已修改时返回 409 conflict")


class SymposiumQuery(PageQuery):
    not_held: str | None = Field(None, description="1：仅看半年已结束仍未召开的座谈会")


class NominationIn(Schema):
    enterprise_id: int | None = Field(None, description="部门推荐的企业ID（企业自荐时不填）")
    reason: str = Field("", description="推荐理由")


class SelectionIn(Schema):
    selected_ids: list[int] = Field(description="入选的推荐记录ID")
    version: int | None = Field(None, description="读取时的版本号（可选）；他人已修改时返回 409 conflict")


class PoliciesIn(Schema):
    policy_ids: list[int] = Field(description="向参会企业推送的政策ID")


class HeldIn(Schema):
    held_on: dt.date = Field(description="召开日期")
    version: int | None = Field(None, description="读取时的版本号（可选）；他人已修改时返回 409 conflict")


class SuggestionIn(Schema):
    enterprise_id: int = Field(description="参会企业ID")
    content: str = Field(description="意见建议")
    is_major: bool = Field(False, description="重大问题：转为诉求协调")


@router.get("/symposia", response=answers(Records, LIST_ERRORS), summary="企业家座谈会")
def list_symposia(request: HttpRequest, query: Query[SymposiumQuery]) -> Any:
    params = query.dict(exclude={"page", "size"}, exclude_none=True)
    return page_body(queries.symposia(request.user, params).strict(), query, out=symposium_out)


@router.get("/symposia/{symposium_id}", response=answers(dict), summary="座谈会详情")
def get_symposium(request: HttpRequest, symposium_id: int) -> Any:
    return symposium_out(access_symposium(request.user, symposium_id))


@router.post("/symposia", response=answers({201: dict}, ERRORS), summary="安排企业家座谈会（每半年一次）")
def create_symposium(request: AuthedHttpRequest, payload: SymposiumIn) -> Any:
    return Status(
        201, symposium_out(symposia.do_create_symposium(acting_user=request.user, data=payload.dict()))
    )


@router.post(
    "/symposia/{symposium_id}/co-units", response=answers(dict, ERRORS), summary="设定配合单位并通知"
)
def set_co_units(request: AuthedHttpRequest, symposium_id: int, payload: CoUnitsIn) -> Any:
    return symposium_out(
        symposia.do_set_co_units(
            acting_user=request.user,
            symposium_id=symposium_id,
            unit_ids=list(payload.unit_ids),
            version=payload.version,
        )
    )


@router.post(
    "/symposia/{symposium_id}/nominations",
    response=answers({201: dict}, ERRORS),
    summary="企业自荐或部门推荐",
)
def nominate(request: AuthedHttpRequest, symposium_id: int, payload: NominationIn) -> Any:
    symposia.do_nominate(
        acting_user=request.user,
        symposium_id=symposium_id,
        enterprise_id=payload.enterprise_id,
        reason=payload.reason,
    )
    return Status(201, symposium_out(access_symposium(request.user, symposium_id)))


@router.post("/symposia/{symposium_id}/selection", response=answers(dict, ERRORS), summary="确定参会人选")
def select(request: AuthedHttpRequest, symposium_id: int, payload: SelectionIn) -> Any:
    return symposium_out(
        symposia.do_select(
            acting_user=request.user,
            symposium_id=symposium_id,
            selected_ids=list(payload.selected_ids),
            version=payload.version,
        )
    )


@router.post(
    "/symposia/{symposium_id}/policies", response=answers(dict, ERRORS), summary="向参会企业推送政策"
)
def push_symposium_policies(request: AuthedHttpRequest, symposium_id: int, payload: PoliciesIn) -> Any:
    return symposium_out(
        symposia.do_push_policies(
            acting_user=request.user, symposium_id=symposium_id, policy_ids=list(payload.policy_ids)
        )
    )


@router.post("/symposia/{symposium_id}/held", response=answers(dict, ERRORS), summary="记录已召开")
def mark_held(request: AuthedHttpRequest, symposium_id: int, payload: HeldIn) -> Any:
    return symposium_out(
        symposia.do_mark_held(
            acting_user=request.user,
            symposium_id=symposium_id,
            held_on=payload.held_on,
            version=payload.version,
        )
    )


@router.post(
    "/symposia/{symposium_id}/suggestions",
    response=answers({201: dict}, ERRORS),
    summary="记录意见建议（重大问题转诉求）",
)
def add_suggestion(request: AuthedHttpRequest, symposium_id: int, payload: SuggestionIn) -> Any:
    symposia.do_record_suggestion(
        acting_user=request.user,
        symposium_id=symposium_id,
        enterprise_id=payload.enterprise_id,
        content=payload.content,
        is_major=payload.is_major,
    )
    return Status(201, symposium_out(access_symposium(request.user, symposium_id)))


@router.post(
    "/suggestions/{suggestion_id}/follow-ups",
    response=answers({201: dict}, ERRORS),
    summary="座谈会建议的跟踪问效",
)
def follow_suggestion(request: AuthedHttpRequest, suggestion_id: int, payload: OutreachNoteIn) -> Any:
    forums.do_follow_up(acting_user=request.user, suggestion_id=suggestion_id, note=payload.note)
    return Status(201, {"ok": True})
