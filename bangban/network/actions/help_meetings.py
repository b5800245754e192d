"""解难帮扶会办会 for key enterprises (R3.3): schedule (the invited units are told), record the
minutes (召开), dispose each agenda item — 分办 to one unit as a case, 批办 with a leader's
instruction to a lead unit, 会办 by a lead unit and its 配合单位 — report the result of a tracked
item, 办结 the meeting once every item is done (the enterprises' officers are told), or cancel it
with a reason. Each action locks its row, checks the version and records one audit event."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from django.utils import timezone

from bangban.accounts.models import User
from bangban.audit.actions import record
from bangban.core import kit
from bangban.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied
from bangban.core.kit import durable_action
from bangban.enterprises.access import visible_enterprises
from bangban.enterprises.models import Enterprise
from bangban.org.models import Region, Unit
from bangban.tickets.actions import do_dispatch
from bangban.tickets.guards import ReviewSignOff
from bangban.tickets.intake import API_POLICIES, IntakeInput, do_intake
from bangban.tickets.models import Channel, Ticket, TicketType
from bangban.tickets.notifications import unit_members
from bangban.tickets.public import lock_case
from bangban.tickets.workflow import Status
from bangban.workdays.service import due

from .. import access, help_queries, workflow
from ..models import Assignment, Contact, Disposal, HelpItem, HelpItemStatus, HelpMeeting
from ._common import _text
from ._help import _fail, _ids, _required, _tell, _units

# The flow named to `do_dispatch(authorised_by=...)` when a 分办 hands a problem to its unit; the
# guard registered in `apps.py` clears exactly those, for the meeting's managers.
ASSIGN_FLOW = "network_help_item"
# Idempotency key of the case made from an item: the same item never makes two cases.
ITEM_KEY = "network-help-item-{pk}"
# The case of a 分办 comes in on the officers' channel (the problem was raised to an officer), filed
# by the meeting's manager: 营商办, or a county's unit head, who that channel's own roles leave out.
POLICY = replace(
    API_POLICIES[Channel.OFFICER],
    name="network_help_item",
    roles=API_POLICIES[Channel.OFFICER].roles | access.MANAGER_ROLES,
)
MAX_WORKDAYS = 60


def _link(meeting: HelpMeeting) -> str:
    return f"/network/help-meetings/{meeting.pk}/"


def _when(at: dt.datetime) -> str:
    return f"{timezone.localtime(at):%Y-%m-%d %H:%M}"


@dataclass
class MeetingInput:
    title: str = ""
    held_at: Any = None
    place: str = ""
    host: str = ""
    enterprise_ids: list[Any] = field(default_factory=list)
    unit_ids: list[Any] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # refs `contact:<id>` / `case:<id>`; empty: all


def _held_at(value: Any, now: dt.datetime) -> dt.datetime:
    if isinstance(value, dt.datetime):
        at = value if timezone.is_aware(value) else timezone.make_aware(value)
    else:
        text = _text(value)
        if not text:
            raise _fail("held_at_required", "请填写会议时间", "held_at")
        try:
            at = dt.datetime.fromisoformat(text.replace("/", "-"))
        except ValueError:
            raise _fail("held_at_invalid", "会议时间格式不正确，应为 2026-01-02 09:30", "held_at") from None
        at = at if timezone.is_aware(at) else timezone.make_aware(at)
    if at <= now:
        raise _fail("held_at_past", "会议时间须晚于当前时间", "held_at")
    return at


@durable_action
def do_schedule_help_meeting(*, acting_user: User, data: MeetingInput, now: dt.datetime) -> HelpMeeting:
    """营商办 (the city) or a county's or zone's unit head (its area) schedules a meeting for key
    enterprises of the area, from their open problems (all of them when none are named)."""
    area = access.area_of(acting_user)
    if area is None:
        access.require_manager(acting_user)
    assert area is not None
    ids = _ids(data.enterprise_ids, "enterprise_invalid", "企业", "enterprises")
    if not ids:
        raise _fail("enterprises_required", "请选择至少一家重点企业", "enterprises")
    found = {
        e.pk: e for e in visible_enterprises(acting_user).filter(pk__in=ids, region__path__startswith=area)
    }
    if len(found) != len(ids):
        raise _fail("enterprise_not_found", "所选企业不存在或不在您的管辖范围内", "enterprises")
    enterprises = [found[i] for i in ids]
    for e in enterprises:
        if e.tier not in help_queries.KEY_TIERS:
            raise _fail(
                "not_key_enterprise", f"“{e.name}”不是重点企业，解难帮扶会办会只为重点企业召开", "enterprises"
            )
    held_at = _held_at(data.held_at, now)
    place = _required(data.place, "place", "会议地点", 120)
    host = _required(data.host, "host", "主持领导", 60)
    unit_ids = _ids(data.unit_ids, "unit_invalid", "参会单位", "units")
    if not unit_ids:
        raise _fail("units_required", "请选择至少一个参会单位", "units")
    units = _units(unit_ids, "units")
    # The enterprises' rows are locked (in id order) before their open problems are read: two
    # meetings scheduled at the same moment for the same enterprise take their problems one after
    # the other, so a problem never lands on both.
    list(
        Enterprise.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True)
    )
    candidates = {p.ref: p for p in help_queries.open_problems(ids)}
    refs = list(dict.fromkeys(r.strip() for r in data.problems if str(r).strip())) or list(candidates)
    if not refs:
        raise _fail("problems_required", "所选企业没有待解决的问题，无需召开会办会", "problems")
    unknown = [r for r in refs if r not in candidates]
    if unknown:
        raise _fail(
            "problem_invalid", f"问题 {unknown[0]} 不是所选企业待解决的问题或已列入其他会办会", "problems"
        )
    names = "、".join(e.name for e in enterprises[:3]) + ("等" if len(enterprises) > 3 else "")
    title = _text(data.title)[:120] or f"{names}解难帮扶会办会"[:120]
    region = Region.objects.filter(path=area).only("name").first() if area else None
    meeting = HelpMeeting.objects.create(
        title=title, held_at=held_at, place=place, host=host, area_path=area,
        area_name=region.name if region else "全市", created_by=acting_user, created_at=now,
    )  # fmt: skip
    meeting.enterprises.set(enterprises)
    meeting.units.set(units)
    for ref in refs:
        p = candidates[ref]
        kind, pk = ref.split(":")
        HelpItem.objects.create(
            meeting=meeting, enterprise_id=p.enterprise_id, problem=p.text[:2000],
            contact_id=int(pk) if kind == "contact" else None,
            source_case_id=int(pk) if kind == "case" else None,
        )  # fmt: skip
    record(
        "network.help_meeting_scheduled", actor=acting_user, obj=meeting,
        after={"title": title, "held_at": held_at, "place": place, "host": host, "area": meeting.area_name,
               "enterprises": ids, "units": unit_ids, "problems": refs},
    )  # fmt: skip
    body = (f"请参加「{title}」，时间 {_when(held_at)}，地点 {place}，主持 {host}。"
            f"涉及企业：{names}，议题 {len(refs)} 项。")  # fmt: skip
    for unit in units:
        _tell(unit_members(unit.pk), acting_user, f"会议通知：{title}", body, _link(meeting),
              f"network.help:{meeting.pk}:invite")  # fmt: skip
    return meeting


def _lock_meeting(user: User, meeting_id: Any, version: Any) -> HelpMeeting:
    meeting = access.access_help_meeting(user, meeting_id)
    access.require_meeting_runner(user, meeting)
    meeting = kit.lock(HelpMeeting, meeting.pk)
    kit.check_version(meeting, version, what="会办会")
    return meeting


@durable_action
def do_hold_help_meeting(
    *, acting_user: User, meeting_id: Any, minutes: str, version: Any = None, now: dt.datetime
) -> HelpMeeting:
    """召开: the minutes are recorded and the meeting is held; its items can then be disposed."""
    meeting = _lock_meeting(acting_user, meeting_id, version)
    target = workflow.HELP_MEETING.check(meeting.status, "hold")
    meeting.minutes = _required(minutes, "minutes", "会议纪要", 20000)
    meeting.status, meeting.minutes_at = target, now
    kit.save_change(meeting, ["minutes", "status", "minutes_at"])
    record("network.help_meeting_held", actor=acting_user, obj=meeting,
           before={"status": "scheduled"}, after={"status": target, "minutes": meeting.minutes[:200]})  # fmt: skip
    return meeting


@durable_action
def do_cancel_help_meeting(
    *, acting_user: User, meeting_id: Any, reason: str, version: Any = None, now: dt.datetime
) -> HelpMeeting:
    """取消 a scheduled meeting with a reason; the invited units are told, its problems are free again."""
    meeting = _lock_meeting(acting_user, meeting_id, version)
    target = workflow.HELP_MEETING.check(meeting.status, "cancel", message="只有已安排的会办会可以取消",
                                         code="meeting_not_scheduled")  # fmt: skip
    meeting.cancel_reason = _required(reason, "reason", "取消原因", 500)
    meeting.status, meeting.cancelled_at = target, now
    kit.save_change(meeting, ["cancel_reason", "status", "cancelled_at"])
    record("network.help_meeting_cancelled", actor=acting_user, obj=meeting,
           before={"status": "scheduled"}, after={"status": target, "reason": meeting.cancel_reason})  # fmt: skip
    for unit in meeting.units.all():
        _tell(unit_members(unit.pk), acting_user, f"会议取消：{meeting.title}",
              f"原定 {_when(meeting.held_at)} 召开的「{meeting.title}」已取消。原因：{meeting.cancel_reason}",
              _link(meeting), f"network.help:{meeting.pk}:cancel")  # fmt: skip
    return meeting


@dataclass
class DisposalInput:
    disposal: str = ""
    unit_id: Any = None
    co_unit_ids: list[Any] = field(default_factory=list)
    workdays: Any = None
    instructed_by: str = ""
    instruction: str = ""


def _workdays(value: Any) -> int:
    try:
        n = int(str(value).strip())
    except (TypeError, ValueError):
        raise _fail("workdays_invalid", f"请填写办理时限（1～{MAX_WORKDAYS} 个工作日）", "workdays") from None
    if not 1 <= n <= MAX_WORKDAYS:
        raise _fail("workdays_invalid", f"办理时限须为 1～{MAX_WORKDAYS} 个工作日", "workdays")
    return n


def _lead(value: Any, what: str) -> Unit:
    ids = _ids([value] if value not in (None, "") else [], "unit_invalid", what, "unit")
    if not ids:
        raise _fail("unit_required", f"请选择{what}", "unit")
    return _units(ids, "unit")[0]


def _case_for(acting_user: User, item: HelpItem, unit: Unit, now: dt.datetime) -> Ticket:
    """The case that carries a 分办 item: one made (once) from a contact's problem, or the source
    case; dispatched to `unit` when it still waits for dispatch."""
    meeting = item.meeting
    note = f"解难帮扶会办会「{meeting.title}」分办（议题 #{item.pk}）"
    if item.contact_id is not None:
        contact = Contact.objects.select_related("officer").get(pk=item.contact_id)
        result = do_intake(
            POLICY, acting_user,
            IntakeInput(
                title=f"[会办会分办] {item.problem.splitlines()[0]}"[:120],
                content=(f"{item.problem}\n\n（{contact.officer.display_name} {contact.contact_on:%Y-%m-%d}"
                         f"{contact.get_kind_display()}时企业反映，{note}）")[:5000],
                type=TicketType.HELP, enterprise_id=item.enterprise_id,
            ),
            now=now, idempotency_key=ITEM_KEY.format(pk=item.pk),
        )  # fmt: skip
        found: Ticket | None = result.ticket
    else:
        found = lock_case(item.source_case_id)
    if found is None:
        raise NotFound()
    case = found
    if case.status == Status.PENDING_DISPATCH:
        return do_dispatch.inner(
            acting_user=acting_user, ticket_id=case.pk, lead_unit_id=unit.pk, note=note, now=now,
            authorised_by=ReviewSignOff(ASSIGN_FLOW, case.pk), lead_reason=note,
        )  # fmt: skip
    if case.lead_unit_id != unit.pk:
        raise Conflict(
            f"诉求 {case.number} 已由{case.lead_unit.name if case.lead_unit else '其他单位'}主办，"
            "分办须交原主办单位，或改为批办/会办", code="case_with_other_unit",
        )  # fmt: skip
    return case


@durable_action
def do_dispose_item(
    *, acting_user: User, item_id: Any, data: DisposalInput, version: Any = None, now: dt.datetime
) -> HelpItem:
    """Dispose one agenda item of a held meeting, once (a second disposal: 409 item_disposed)."""
    item = access.access_help_item(acting_user, item_id)
    access.require_meeting_runner(acting_user, item.meeting)
    meeting = kit.lock(HelpMeeting, item.meeting_id)
    item = kit.lock(HelpItem.objects.select_related("meeting"), item.pk)
    kit.check_version(item, version, what="议题")
    workflow.HELP_MEETING.check(meeting.status, "dispose", message="会办会召开（记录纪要）后才能处置议题",
                                code="meeting_not_held")  # fmt: skip
    if data.disposal not in Disposal.values:
        raise _fail("disposal_invalid", "请选择处置方式：分办、批办或会办", "disposal")
    target = workflow.HELP_ITEM.check(item.status, data.disposal, message="该议题已处置，不能重复处置",
                                      code="item_disposed")  # fmt: skip
    what = {"assign": "责任单位", "instruct": "牵头单位", "joint": "牵头单位"}[data.disposal]
    lead = _lead(data.unit_id, what)
    # A 分办 case runs on its own deadline (its channel's working days); a tracked item on the one set here.
    n = None if data.disposal == Disposal.ASSIGN else _workdays(data.workdays)
    co: list[Unit] = []
    if data.disposal == Disposal.INSTRUCT:
        item.instructed_by = _required(data.instructed_by, "instructed_by", "批示领导", 60)
        item.instruction = _required(data.instruction, "instruction", "批示内容", 2000)
    if data.disposal == Disposal.JOINT:
        co_ids = _ids(data.co_unit_ids, "unit_invalid", "配合单位", "co_units")
        if lead.pk in co_ids:
            raise _fail("lead_repeated", "牵头单位不能同时作为配合单位", "co_units")
        if not co_ids:
            raise _fail("co_units_required", "会办须有牵头单位和至少一个配合单位", "co_units")
        co = _units(co_ids, "co_units")
    item.disposal, item.lead_unit, item.workdays, item.status = data.disposal, lead, n, target
    item.disposed_at, item.disposed_by = now, acting_user
    if data.disposal == Disposal.ASSIGN:
        item.case = _case_for(acting_user, item, lead, now)
        item.workdays, item.due_at = item.case.workdays_allowed, item.case.due_at
    else:
        assert n is not None
        item.due_at = due(now, n).at
    kit.save_change(item, ["disposal", "lead_unit", "workdays", "status", "disposed_at", "disposed_by",
                           "instructed_by", "instruction", "case", "due_at"])  # fmt: skip
    item.co_units.set(co)
    record(
        "network.help_item_disposed", actor=acting_user, obj=item, object_repr=f"{meeting.title}：{item}",
        before={"status": "pending"},
        after={"meeting": meeting.pk, "disposal": data.disposal, "status": target, "unit": lead.pk,
               "co_units": [u.pk for u in co], "workdays": item.workdays, "due_at": item.due_at,
               "case": item.case.number if item.case else "", "instructed_by": item.instructed_by},
    )  # fmt: skip
    label = Disposal(data.disposal).label
    when = f"，{timezone.localtime(item.due_at):%Y-%m-%d} 前办结" if item.due_at else ""
    body = f"「{meeting.title}」{label}：{item.problem[:80]}（{item.enterprise.name}）{when}。"
    if item.instruction:
        body += f"{item.instructed_by}批示：{item.instruction[:200]}"
    _tell(unit_members(lead.pk), acting_user, f"{label}事项：{meeting.title}", body, _link(meeting),
          f"network.help-item:{item.pk}:lead")  # fmt: skip
    for unit in co:
        _tell(unit_members(unit.pk), acting_user, f"会办配合事项：{meeting.title}",
              f"{body}牵头单位：{lead.name}，请配合办理并形成统一答复意见。", _link(meeting),
              f"network.help-item:{item.pk}:co")  # fmt: skip
    return item


@durable_action
def do_complete_item(
    *, acting_user: User, item_id: Any, result: str, version: Any = None, now: dt.datetime
) -> HelpItem:
    """办结 a 批办/会办 item with its result (for 会办: the one agreed answer)."""
    item = access.access_help_item(acting_user, item_id)
    if not access.can_complete_item(acting_user, item):
        raise PermissionDenied("只有牵头单位的人员可以报送办理结果", code="wrong_unit")
    item = kit.lock(HelpItem.objects.select_related("meeting"), item.pk)
    kit.check_version(item, version, what="议题")
    target = workflow.HELP_ITEM.check(item.status, "complete", message="只有办理中的批办、会办议题可以办结",
                                      code="item_not_open")  # fmt: skip
    item.result = _required(result, "result", "办理结果", 2000)
    item.status, item.done_at, item.done_by = target, now, acting_user
    kit.save_change(item, ["result", "status", "done_at", "done_by"])
    record("network.help_item_done", actor=acting_user, obj=item, before={"status": "open"},
           after={"status": target, "result": item.result[:200], "late": bool(item.due_at and now > item.due_at)})  # fmt: skip
    return item


@durable_action
def do_close_help_meeting(
    *, acting_user: User, meeting_id: Any, version: Any = None, now: dt.datetime
) -> HelpMeeting:
    """办结: only when every item is disposed and done; the enterprises' officers are told the outcome."""
    meeting = _lock_meeting(acting_user, meeting_id, version)
    target = workflow.HELP_MEETING.check(meeting.status, "close", message="只有已召开的会办会可以办结",
                                         code="meeting_not_held")  # fmt: skip
    left = meeting.items.exclude(status__in=[HelpItemStatus.ASSIGNED, HelpItemStatus.DONE]).count()
    if left:
        raise InvalidTransition(f"尚有 {left} 项议题未处置或未办结，不能办结会办会", code="items_open")
    meeting.status, meeting.closed_at = target, now
    kit.save_change(meeting, ["status", "closed_at"])
    record("network.help_meeting_closed", actor=acting_user, obj=meeting, before={"status": "held"},
           after={"status": target, "items": meeting.items.count()})  # fmt: skip
    officers = User.objects.filter(
        pk__in=Assignment.objects.filter(enterprise__in=meeting.enterprises.all(), ended_on__isnull=True)
        .values("officer_id")
    )  # fmt: skip
    _tell(officers, acting_user, f"会办会已办结：{meeting.title}",
          f"您挂钩企业参加的「{meeting.title}」已办结，各议题的处置和办理结果请查看会议页面。",
          _link(meeting), f"network.help:{meeting.pk}:closed")  # fmt: skip
    return meeting
