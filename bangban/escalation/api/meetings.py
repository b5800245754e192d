"""`/escalation/meetings`, `/tasks`: meetings, minutes, attendance and tasks (R3.3, R11.2)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Schema, Status

from bangban.core.answers import answers
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import Page, PageNumber, PageSize, page_body

from .. import access, actions
from ._common import ERRORS, _meeting, _task, router


class TaskOut(Schema):
    id: int
    meeting_id: int
    content: str = Field(description="议定事项")
    owner_unit_id: int = Field(description="责任单位")
    owner_unit: str
    ticket_id: int | None
    workdays: int
    due_at: dt.datetime
    status: str = Field(description="open 办理中 / done 已完成")
    overdue: bool
    done_at: dt.datetime | None
    done_note: str


class ParticipantOut(Schema):
    user_id: int
    name: str
    confirmed_at: dt.datetime | None


class MeetingOut(Schema):
    id: int
    type: str = Field(
        description="topic 专题会办 / help 解难帮扶会办会 / analysis 处置分析会 / executive 常务副市长会办 / joint 联席会议 / consult 会商"
    )
    title: str
    held_at: dt.datetime
    place: str
    chair_id: int
    status: str
    minutes: str
    unit_ids: list[int]
    case_ids: list[int]
    participants: list[ParticipantOut]
    tasks: list[TaskOut]
    version: int = Field(description="版本号；修改时原样提交")


class MeetingIn(Schema):
    type: str = Field(description="会议类型")
    title: str = Field(description="会议名称")
    held_at: dt.datetime = Field(description="会议时间")
    chair_id: int = Field(description="主持人")
    place: str = ""
    unit_ids: list[int] = Field(default_factory=list, description="参会单位")
    participant_ids: list[int] = Field(default_factory=list, description="参会人员")
    case_ids: list[int] = Field(default_factory=list, description="会办诉求")


@router.get("/meetings", response=answers(Page[MeetingOut]), summary="会办会议")
def list_meetings(request: HttpRequest, type: str = "", page: PageNumber = 1, size: PageSize = 20) -> Any:
    qs = access.visible_meetings(request.user).order_by("-held_at", "-id")
    if type:
        qs = qs.filter(type=type)
    return page_body(qs, page, size, _meeting)


@router.post("/meetings", response=answers({201: MeetingOut}, ERRORS), summary="登记会办会议")
def create_meeting(request: AuthedHttpRequest, body: MeetingIn) -> Any:
    return Status(201, _meeting(actions.do_create_meeting(acting_user=request.user, **body.dict())))


@router.get("/meetings/{int:meeting_id}", response=answers(MeetingOut), summary="会议详情")
def get_meeting(request: HttpRequest, meeting_id: int) -> Any:
    return _meeting(access.access_meeting(request.user, meeting_id))


class MinutesIn(Schema):
    minutes: str = Field(description="会议纪要")
    held: bool = Field(True, description="会议已召开")
    version: int | None = Field(None, description="读取时的版本号（可选）；他人已修改时返回 409 conflict")


@router.post(
    "/meetings/{int:meeting_id}/minutes", response=answers(MeetingOut, ERRORS), summary="填写会议纪要"
)
def minutes(request: AuthedHttpRequest, meeting_id: int, body: MinutesIn) -> Any:
    return _meeting(actions.do_record_minutes(acting_user=request.user, meeting_id=meeting_id, **body.dict()))


@router.post(
    "/meetings/{int:meeting_id}/attendance", response=answers(MeetingOut, ERRORS), summary="确认参会"
)
def confirm(request: AuthedHttpRequest, meeting_id: int) -> Any:
    actions.do_confirm_attendance(acting_user=request.user, meeting_id=meeting_id)
    return _meeting(access.access_meeting(request.user, meeting_id))


class TaskIn(Schema):
    content: str = Field(description="议定事项")
    owner_unit_id: int | None = Field(None, description="责任单位（必填）")
    workdays: int = Field(description="办理时限（工作日）")
    ticket_id: int | None = Field(None, description="相关诉求（须为本次会议会办的诉求）")


@router.post(
    "/meetings/{int:meeting_id}/tasks", response=answers({201: TaskOut}, ERRORS), summary="添加议定任务"
)
def add_task(request: AuthedHttpRequest, meeting_id: int, body: TaskIn) -> Any:
    return Status(
        201, _task(actions.do_add_task(acting_user=request.user, meeting_id=meeting_id, **body.dict()))
    )


@router.get(
    "/tasks",
    response=answers(Page[TaskOut]),
    summary="议定任务",
    description="view=unit：本单位的任务；view=overdue：全部超期任务（督查）。",
)
def list_tasks(request: HttpRequest, view: str = "unit", page: PageNumber = 1, size: PageSize = 20) -> Any:

    qs = access.visible_tasks(request.user).select_related("owner_unit")
    if view == "overdue":
        qs = qs.filter(status="open", due_at__lt=timezone.now())
    else:
        qs = qs.filter(owner_unit_id=getattr(request.user, "unit_id", None))
    return page_body(qs.order_by("status", "due_at", "id"), page, size, _task)


class EscalationNoteIn(Schema):
    note: str = Field(description="完成情况")


@router.post("/tasks/{int:task_id}/done", response=answers(TaskOut, ERRORS), summary="报送任务完成")
def task_done(request: AuthedHttpRequest, task_id: int, body: EscalationNoteIn) -> Any:
    return _task(actions.do_complete_task(acting_user=request.user, task_id=task_id, note=body.note))
