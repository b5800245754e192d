"""`/outreach/reports`, `/events`: supervisors' reports and their handling, and outreach events (R5)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Schema, Status

from bangban.core.answers import answers
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import PageQuery, page_body

from .. import forums, queries
from ..access import access_report
from ..models import SupervisorReport
from ._common import ERRORS, LIST_ERRORS, Records, _at, router


def report_out(r: SupervisorReport) -> dict[str, Any]:
    return {
        "id": r.pk,
        "title": r.title,
        "content": r.content,
        "enterprise_name": r.enterprise_name,
        "region_code": r.region.code if r.region else "",
        "status": r.status,
        "status_label": r.get_status_display(),
        "ticket_id": r.ticket_id,
        "ticket_number": r.ticket.number if r.ticket else "",
        "ticket_status": r.ticket.get_status_display() if r.ticket else "",
        "decline_reason": r.decline_reason,
        "submitted_at": _at(r.submitted_at),
        "version": r.version,
        "follow_ups": [{"note": f.note, "at": _at(f.at)} for f in r.follow_ups.all()],
    }


class ReportQuery(PageQuery):
    q: str | None = Field(None, description="问题或企业")
    status: str | None = Field(None, description="submitted / forwarded / declined")


class ReportIn(Schema):
    title: str = Field(description="问题")
    content: str = Field(description="问题描述")
    enterprise_name: str = Field("", description="涉及企业")
    region: str = Field("", description="发生地区划代码")


class OutreachNoteIn(Schema):
    note: str = Field("", description="说明 / 跟踪情况")
    version: int | None = Field(None, description="读取时的版本号（可选）；他人已修改时返回 409 conflict")


class OutreachReasonIn(Schema):
    reason: str = Field(description="不予转办的理由")
    version: int | None = Field(None, description="读取时的版本号（可选）；他人已修改时返回 409 conflict")


@router.get("/reports", response=answers(Records, LIST_ERRORS), summary="监督员反映的问题（监督员：本人的）")
def list_reports(request: HttpRequest, query: Query[ReportQuery]) -> Any:
    params = query.dict(exclude={"page", "size"}, exclude_none=True)
    return page_body(
        queries.reports(request.user, params).strict().prefetch_related("follow_ups"), query, out=report_out
    )


@router.get("/reports/{report_id}", response=answers(dict), summary="监督员反映问题详情")
def get_report(request: HttpRequest, report_id: int) -> Any:
    return report_out(access_report(request.user, report_id))


@router.post("/reports", response=answers({201: dict}, ERRORS), summary="营商环境监督员反映问题")
def submit_report(request: AuthedHttpRequest, payload: ReportIn) -> Any:
    r = forums.do_submit_report(acting_user=request.user, data=payload.dict())
    return Status(201, report_out(r))


@router.post("/reports/{report_id}/forward", response=answers(dict, ERRORS), summary="营商办转为诉求")
def forward_report(request: AuthedHttpRequest, report_id: int, payload: OutreachNoteIn) -> Any:
    forums.do_forward_report(
        acting_user=request.user, report_id=report_id, note=payload.note, version=payload.version
    )
    return report_out(access_report(request.user, report_id))


@router.post("/reports/{report_id}/decline", response=answers(dict, ERRORS), summary="不予转办")
def decline_report(request: AuthedHttpRequest, report_id: int, payload: OutreachReasonIn) -> Any:
    forums.do_decline_report(
        acting_user=request.user, report_id=report_id, reason=payload.reason, version=payload.version
    )
    return report_out(access_report(request.user, report_id))


@router.post("/reports/{report_id}/follow-ups", response=answers({201: dict}, ERRORS), summary="跟踪问效")
def follow_report(request: AuthedHttpRequest, report_id: int, payload: OutreachNoteIn) -> Any:
    forums.do_follow_up(acting_user=request.user, report_id=report_id, note=payload.note)
    return Status(201, report_out(access_report(request.user, report_id)))


class EventQuery(PageQuery):
    q: str | None = Field(None, description="主题或成果")
    kind: str | None = Field(None, description="talk 恳谈会 / forum 宿商讲坛")


class EventIn(Schema):
    kind: str = Field(description="talk 非公企业家恳谈会 / forum 宿商讲坛")
    theme: str = Field(description="主题")
    held_on: dt.date = Field(description="举办日期")
    location: str = Field("", description="地点")
    organiser_id: int | None = Field(None, description="主办单位ID")
    participants: str = Field("", description="参加人员")
    enterprise_ids: list[int] = Field([], description="参会企业ID")
    outcomes: str = Field("", description="反映问题和建议/成果")


def event_out(e: Any) -> dict[str, Any]:
    return {
        "id": e.pk,
        "kind": e.kind,
        "theme": e.theme,
        "held_on": e.held_on.isoformat(),
        "location": e.location,
        "organiser": e.organiser.name if e.organiser else "",
        "participants": e.participants,
        "outcomes": e.outcomes,
    }


@router.get("/events", response=answers(Records, LIST_ERRORS), summary="恳谈会与宿商讲坛")
def list_events(request: HttpRequest, query: Query[EventQuery]) -> Any:
    params = query.dict(exclude={"page", "size"}, exclude_none=True)
    return page_body(queries.events(request.user, params).strict(), query, out=event_out)


@router.post("/events", response=answers({201: dict}, ERRORS), summary="登记恳谈会/宿商讲坛")
def record_event(request: AuthedHttpRequest, payload: EventIn) -> Any:
    return Status(201, event_out(forums.do_record_event(acting_user=request.user, data=payload.dict())))
