"""`/network/help-meetings`, `/network/help-items`: 解难帮扶会办会 for key enterprises (R3.3) —
schedule from the enterprises' open problems, 召开, dispose each item (分办 / 批办 / 会办), report a
result, 办结 or cancel."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Schema, Status

from bangban.core.answers import answers
from bangban.core.errors import Conflict, InvalidTransition, PermissionDenied
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import Page, PageQuery, page_body
from bangban.enterprises.access import visible_enterprises

from .. import actions, figures, help_queries
from ..access import access_help_meeting, area_of, can_run_meeting
from ..models import HelpItem, HelpMeeting
from ._common import router

SCHEDULE_ERRORS = [
    *("enterprise_invalid", "enterprises_required", "enterprise_not_found", "not_key_enterprise",
      "held_at_required", "held_at_invalid", "held_at_past", "place_required", "place_too_long",
      "host_required", "host_too_long", "unit_invalid", "units_required", "unit_not_found",
      "problems_required", "problem_invalid"),
]  # fmt: skip
VERSIONED = [Conflict, InvalidTransition, (403, "not_organiser")]
DISPOSE_ERRORS = [
    *("disposal_invalid", "unit_required", "unit_invalid", "unit_not_found", "workdays_invalid",
      "instructed_by_required", "instructed_by_too_long", "instruction_required", "instruction_too_long",
      "lead_repeated", "co_units_required", "date_out_of_range", "deadline_rule_missing"),
    *VERSIONED,
    *((409, c) for c in ("item_disposed", "meeting_not_held", "case_with_other_unit")),
]  # fmt: skip


class HelpProblemOut(Schema):
    ref: str = Field(description="问题标识：contact:<联系记录ID>（走访反映）或 case:<诉求ID>（未办结诉求）")
    enterprise_id: int = Field(description="企业ID")
    enterprise_name: str = Field(description="企业名称")
    source: str = Field(description="来源：走访反映 / 诉求")
    text: str = Field(description="问题")
    on: dt.date = Field(description="反映或受理日期")
    case_number: str = Field(description="诉求编号（来源为诉求时）")


class HelpItemOut(Schema):
    id: int = Field(description="议题ID")
    enterprise_id: int = Field(description="企业ID")
    enterprise_name: str = Field(description="企业名称")
    problem: str = Field(description="问题")
    source: str = Field(description="来源：contact:<ID> / case:<ID>")
    status: str = Field(description="pending 待处置 / assigned 已分办 / open 办理中 / done 已办结")
    disposal: str = Field(description="处置方式：assign 分办 / instruct 批办 / joint 会办；未处置为空")
    lead_unit_id: int | None = Field(description="责任单位（分办）或牵头单位（批办、会办）ID")
    lead_unit_name: str = Field(description="责任/牵头单位")
    co_unit_ids: list[int] = Field(description="配合单位ID（会办）")
    case_id: int | None = Field(description="分办诉求ID")
    case_number: str = Field(description="分办诉求编号")
    case_status: str = Field(description="分办诉求状态")
    instructed_by: str = Field(description="批示领导（批办）")
    instruction: str = Field(description="批示内容（批办）")
    workdays: int | None = Field(description="办理时限（工作日）")
    due_at: dt.datetime | None = Field(description="完成期限")
    overdue: bool = Field(description="批办、会办议题逾期未办结或逾期办结")
    result: str = Field(description="办理结果（会办：统一答复意见）")
    done_at: dt.datetime | None = Field(description="办结时间")
    version: int = Field(description="版本号；处置或办结时原样提交")


class HelpMeetingOut(Schema):
    id: int = Field(description="会议ID")
    title: str = Field(description="会议名称")
    held_at: dt.datetime = Field(description="会议时间")
    place: str = Field(description="地点")
    host: str = Field(description="主持领导")
    area_name: str = Field(description="组织区域：全市或县区、功能区")
    status: str = Field(description="scheduled 已安排 / held 已召开 / closed 已办结 / cancelled 已取消")
    enterprise_ids: list[int] = Field(description="企业ID")
    unit_ids: list[int] = Field(description="参会单位ID")
    minutes: str = Field(description="会议纪要")
    cancel_reason: str = Field(description="取消原因")
    items: list[HelpItemOut] = Field(description="议题")
    can_run: bool = Field(description="调用者能否组织本会（召开、处置、办结、取消）")
    version: int = Field(description="版本号；召开、办结、取消时原样提交")


class HelpMeetingQuery(PageQuery):
    q: str | None = Field(None, description="会议名称、企业名称或主持领导包含的文字")
    status: str | None = Field(None, description="状态")


class HelpProblemQuery(Schema):
    enterprise: str = Field("", description="企业ID，多个用逗号分隔（须为调用者辖区内的企业）")


class HelpMeetingIn(Schema):
    title: str = Field("", description="会议名称（不填自动生成）")
    held_at: dt.datetime = Field(description="会议时间，须晚于当前时间")
    place: str = Field(description="地点")
    host: str = Field(description="主持领导（政府分管领导）")
    enterprise_ids: list[int] = Field(description="重点企业ID（市工业百强或县区重点）")
    unit_ids: list[int] = Field(description="参会单位ID（通过站内消息通知）")
    problems: list[str] = Field(
        [], description="列入议题的问题标识（见 /help-problems）；不填则列入全部待解决问题"
    )


class HelpMinutesIn(Schema):
    minutes: str = Field(description="会议纪要")
    version: int | None = Field(None, description="读取时的版本号（可选）；他人已修改时返回 409 conflict")


class HelpCancelIn(Schema):
    reason: str = Field(description="取消原因")
    version: int | None = Field(None, description="读取时的版本号（可选）")


class HelpVersionIn(Schema):
    version: int | None = Field(None, description="读取时的版本号（可选）")


class HelpDisposeIn(Schema):
    disposal: str = Field(description="assign 分办 / instruct 批办 / joint 会办")
    unit_id: int | None = Field(None, description="分办：责任单位；批办、会办：牵头单位")
    co_unit_ids: list[int] = Field([], description="会办的配合单位（至少一个，不能含牵头单位）")
    workdays: int | None = Field(
        None,
        description="批办、会办的办理时限（1～60 个工作日）；分办不填，按诉求的办理时限（渠道×紧急程度，工作日）",
    )
    instructed_by: str = Field("", description="批示领导（批办必填）")
    instruction: str = Field("", description="批示内容（批办必填）")
    version: int | None = Field(None, description="读取议题时的版本号（可选）")


class HelpResultIn(Schema):
    result: str = Field(description="办理结果（会办：统一答复意见）")
    version: int | None = Field(None, description="读取议题时的版本号（可选）")


def item_out(i: HelpItem, now: dt.datetime) -> dict[str, Any]:
    return {
        "id": i.pk,
        "enterprise_id": i.enterprise_id,
        "enterprise_name": i.enterprise.name,
        "problem": i.problem,
        "source": f"contact:{i.contact_id}" if i.contact_id else f"case:{i.source_case_id}",
        "status": i.status,
        "disposal": i.disposal,
        "lead_unit_id": i.lead_unit_id,
        "lead_unit_name": i.lead_unit.name if i.lead_unit else "",
        "co_unit_ids": sorted(u.pk for u in i.co_units.all()),
        "case_id": i.case_id,
        "case_number": i.case.number if i.case else "",
        "case_status": i.case.get_status_display() if i.case else "",
        "instructed_by": i.instructed_by,
        "instruction": i.instruction,
        "workdays": i.workdays,
        "due_at": i.due_at,
        "overdue": figures.help_item_overdue(i, now),
        "result": i.result,
        "done_at": i.done_at,
        "version": i.version,
    }


def meeting_out(user: Any, m: HelpMeeting, *, items: bool = True) -> dict[str, Any]:
    now = timezone.now()
    return {
        "id": m.pk,
        "title": m.title,
        "held_at": m.held_at,
        "place": m.place,
        "host": m.host,
        "area_name": m.area_name,
        "status": m.status,
        "enterprise_ids": sorted(e.pk for e in m.enterprises.all()),
        "unit_ids": sorted(u.pk for u in m.units.all()),
        "minutes": m.minutes,
        "cancel_reason": m.cancel_reason,
        "items": [item_out(i, now) for i in help_queries.items_of(m)] if items else [],
        "can_run": can_run_meeting(user, m),
        "version": m.version,
    }


def _detail(request: HttpRequest, meeting_id: int) -> dict[str, Any]:
    return meeting_out(request.user, access_help_meeting(request.user, meeting_id))


@router.get("/help-meetings", response=answers(Page[HelpMeetingOut]), summary="解难帮扶会办会列表")
def list_help_meetings(request: HttpRequest, query: Query[HelpMeetingQuery]) -> Any:
    params = {k: v for k, v in query.dict(exclude={"page", "size"}).items() if v is not None}
    qs = help_queries.meeting_list(request.user, params).prefetch_related("enterprises", "units")
    return page_body(qs, query, out=lambda m: meeting_out(request.user, m, items=False))


@router.get(
    "/help-problems",
    response=answers(list[HelpProblemOut]),
    summary="重点企业待解决的问题（会办会议题来源）",
    description="营商办或单位负责人安排会办会前查看辖区内企业待解决的问题；其他角色 403。",
)
def list_help_problems(request: HttpRequest, query: Query[HelpProblemQuery]) -> Any:
    area = area_of(request.user)
    if area is None:
        raise PermissionDenied("只有营商办或单位负责人可以安排解难帮扶会办会")
    ids = [int(x) for x in query.enterprise.replace("，", ",").split(",") if x.strip().isdigit()][:50]
    visible = visible_enterprises(request.user).filter(pk__in=ids, region__path__startswith=area)
    ids = list(visible.values_list("pk", flat=True))
    return [p.__dict__ for p in help_queries.open_problems(ids)]


@router.post(
    "/help-meetings",
    response=answers({201: HelpMeetingOut}, SCHEDULE_ERRORS),
    summary="安排解难帮扶会办会",
    description="营商办（全市）或县区、功能区的单位负责人（本辖区）为重点企业安排会办会，议题取自企业待解决的问题"
    "（走访反映未转诉求的问题和未办结诉求）；参会单位收到站内通知。非重点企业：400 not_key_enterprise；"
    "会议时间不晚于当前：400 held_at_past；没有待解决问题：400 problems_required。",
)
def create_help_meeting(request: AuthedHttpRequest, payload: HelpMeetingIn) -> Any:
    meeting = actions.do_schedule_help_meeting(
        acting_user=request.user,
        data=actions.MeetingInput(
            title=payload.title, held_at=payload.held_at, place=payload.place, host=payload.host,
            enterprise_ids=list(payload.enterprise_ids), unit_ids=list(payload.unit_ids),
            problems=list(payload.problems),
        ),
        now=timezone.now(),
    )  # fmt: skip
    return Status(201, _detail(request, meeting.pk))


@router.get("/help-meetings/{meeting_id}", response=answers(HelpMeetingOut), summary="解难帮扶会办会详情")
def get_help_meeting(request: HttpRequest, meeting_id: int) -> Any:
    return _detail(request, meeting_id)


@router.post(
    "/help-meetings/{meeting_id}/hold",
    response=answers(HelpMeetingOut, "minutes_required", "minutes_too_long", *VERSIONED),
    summary="会办会召开（记录纪要）",
)
def hold_help_meeting(request: AuthedHttpRequest, meeting_id: int, payload: HelpMinutesIn) -> Any:
    actions.do_hold_help_meeting(
        acting_user=request.user, meeting_id=meeting_id, minutes=payload.minutes, version=payload.version,
        now=timezone.now(),
    )  # fmt: skip
    return _detail(request, meeting_id)


@router.post(
    "/help-meetings/{meeting_id}/cancel",
    response=answers(
        HelpMeetingOut, "reason_required", "reason_too_long", *VERSIONED, (409, "meeting_not_scheduled")
    ),
    summary="取消解难帮扶会办会",
)
def cancel_help_meeting(request: AuthedHttpRequest, meeting_id: int, payload: HelpCancelIn) -> Any:
    actions.do_cancel_help_meeting(
        acting_user=request.user, meeting_id=meeting_id, reason=payload.reason, version=payload.version,
        now=timezone.now(),
    )  # fmt: skip
    return _detail(request, meeting_id)


@router.post(
    "/help-meetings/{meeting_id}/close",
    response=answers(HelpMeetingOut, *VERSIONED, (409, "meeting_not_held"), (409, "items_open")),
    summary="办结解难帮扶会办会",
    description="全部议题已分办或已办结后方可办结（否则 409 items_open）；挂钩企业的帮办专员收到办理结果通知。",
)
def close_help_meeting(request: AuthedHttpRequest, meeting_id: int, payload: HelpVersionIn) -> Any:
    actions.do_close_help_meeting(
        acting_user=request.user, meeting_id=meeting_id, version=payload.version, now=timezone.now()
    )
    return _detail(request, meeting_id)


@router.post(
    "/help-items/{item_id}/dispose",
    response=answers(HelpItemOut, DISPOSE_ERRORS),
    summary="处置会办会议题（分办 / 批办 / 会办）",
    description="分办：交一个责任单位，作为诉求受理并派单（同一议题只生成一件诉求）；批办：记录领导批示，交牵头单位限期办理；"
    "会办：牵头单位加至少一个配合单位，形成统一答复。每个议题只能处置一次，重复处置返回 409 item_disposed。",
)
def dispose_help_item(request: AuthedHttpRequest, item_id: int, payload: HelpDisposeIn) -> Any:
    item = actions.do_dispose_item(
        acting_user=request.user,
        item_id=item_id,
        data=actions.DisposalInput(
            disposal=payload.disposal, unit_id=payload.unit_id, co_unit_ids=list(payload.co_unit_ids),
            workdays=payload.workdays, instructed_by=payload.instructed_by, instruction=payload.instruction,
        ),
        version=payload.version,
        now=timezone.now(),
    )  # fmt: skip
    return _item(request, item.pk)


def _item(request: HttpRequest, item_id: int) -> dict[str, Any]:
    item = HelpItem.objects.select_related("enterprise", "lead_unit", "case").get(pk=item_id)
    return item_out(item, timezone.now())


@router.post(
    "/help-items/{item_id}/complete",
    response=answers(HelpItemOut, "result_required", "result_too_long", Conflict, InvalidTransition,
                     (403, "wrong_unit"), (409, "item_not_open")),
    summary="报送会办会议题办理结果（办结）",
)  # fmt: skip
def complete_help_item(request: AuthedHttpRequest, item_id: int, payload: HelpResultIn) -> Any:
    item = actions.do_complete_item(
        acting_user=request.user, item_id=item_id, result=payload.result, version=payload.version,
        now=timezone.now(),
    )  # fmt: skip
    return _item(request, item.pk)
