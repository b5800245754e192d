"""`/outreach/events/{id}`, `/event-items`: a 恳谈会's problems and suggestions turned into cases and
followed up, and the attendance (签到) of each session (R5.2)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Schema, Status

from bangban.core.answers import answers
from bangban.core.http import AuthedHttpRequest

from .. import talks
from ..access import access_event
from ..models import Event, EventItem
from ._common import ERRORS, _at, router
from .reports import OutreachNoteIn, event_out

TALK_ERRORS = [
    *ERRORS,
    *(f"{field}_too_long" for field in ("position", "phone", "raised_by")),
    (409, "not_a_talk"),
    (409, "already_attended"),
]


def item_out(i: EventItem) -> dict[str, Any]:
    t = i.ticket
    return {
        "id": i.pk,
        "event_id": i.event_id,
        "kind": i.kind,
        "kind_label": i.get_kind_display(),
        "content": i.content,
        "enterprise_id": i.enterprise_id,
        "raised_by": i.raised_by,
        "case": {
            "id": t.pk,
            "number": t.number,
            "status": t.status,
            "status_label": t.get_status_display(),
            "lead_unit": t.lead_unit.name if t.lead_unit else "",
        }
        if t is not None
        else None,
        "converted_at": _at(i.converted_at),
        "follow_ups": [
            {"note": f.note, "at": _at(f.at), "by": f.by.display_name} for f in i.follow_ups.all()
        ],
    }


def event_detail_out(e: Event) -> dict[str, Any]:
    counts = talks.attendance_counts(e)
    return {
        **event_out(e),
        "items": [item_out(i) for i in talks.items_of(e)],
        "attendance": [
            {
                "id": a.pk,
                "name": a.name,
                "position": a.position,
                "enterprise_id": a.enterprise_id,
                "enterprise": a.enterprise.name if a.enterprise else "",
            }
            for a in talks.attendance_of(e)
        ],
        "attended_people": counts.people,
        "attended_enterprises": counts.enterprises,
    }


class EventItemIn(Schema):
    kind: str = Field(description="problem 反映问题 / suggestion 意见建议")
    content: str = Field(description="内容")
    enterprise_id: int | None = Field(None, description="提出企业ID")
    raised_by: str = Field("", description="提出人")


class AttendanceIn(Schema):
    name: str = Field(description="姓名")
    position: str = Field("", description="职务")
    enterprise_id: int | None = Field(None, description="所在企业ID")
    phone: str = Field("", description="联系电话")


@router.get("/events/{event_id}", response=answers(dict), summary="恳谈会/讲坛详情（问题建议、签到）")
def get_event(request: HttpRequest, event_id: int) -> Any:
    return event_detail_out(access_event(request.user, event_id))


@router.post(
    "/events/{event_id}/items",
    response=answers({201: dict}, TALK_ERRORS),
    summary="记录恳谈会反映的问题或建议",
)
def add_event_item(request: AuthedHttpRequest, event_id: int, payload: EventItemIn) -> Any:
    item = talks.do_record_item(
        acting_user=request.user, event_id=event_id, data=payload.dict(), now=timezone.now()
    )
    return Status(201, item_out(talks.access_item(request.user, item.pk)))


@router.post(
    "/event-items/{item_id}/case",
    response=answers({201: dict, 200: dict}, TALK_ERRORS),
    summary="问题建议转为诉求（幂等：已转的返回原诉求，200）",
)
def convert_event_item(request: AuthedHttpRequest, item_id: int) -> Any:
    done = talks.do_convert_item(acting_user=request.user, item_id=item_id, now=timezone.now())
    return Status(201 if done.created else 200, item_out(talks.access_item(request.user, item_id)))


@router.post(
    "/event-items/{item_id}/follow-ups",
    response=answers({201: dict}, TALK_ERRORS),
    summary="问题建议的跟踪问效",
)
def follow_event_item(request: AuthedHttpRequest, item_id: int, payload: OutreachNoteIn) -> Any:
    talks.do_follow_item(acting_user=request.user, item_id=item_id, note=payload.note, now=timezone.now())
    return Status(201, item_out(talks.access_item(request.user, item_id)))


@router.post("/events/{event_id}/attendance", response=answers({201: dict}, TALK_ERRORS), summary="登记签到")
def add_attendance(request: AuthedHttpRequest, event_id: int, payload: AttendanceIn) -> Any:
    talks.do_record_attendance(
        acting_user=request.user, event_id=event_id, data=payload.dict(), now=timezone.now()
    )
    return Status(201, event_detail_out(access_event(request.user, event_id)))
