"""Meetings (会办), their decided tasks, the minutes document and the task reminders (R3.3/R11.2)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from bangban.accounts.access import has_any_role
from bangban.accounts.models import User
from bangban.accounts.roles import Role
from bangban.audit.actions import record
from bangban.core import kit
from bangban.core.errors import NotFound, PermissionDenied, ValidationFailed
from bangban.core.kit import durable_action
from bangban.tickets.access import access_ticket
from bangban.tickets.events import add_event
from bangban.tickets.models import Ticket
from bangban.tickets.notifications import unit_heads, unit_members
from bangban.workdays.service import due

from .. import access, workflow
from ..models import Meeting, MeetingTask, MeetingType, Participant, TaskStatus
from ._common import _int, _now, _tell, _text, _unit, _users, _workdays


def _visible_cases(user: Any, ids: Iterable[Any]) -> list[Ticket]:
    tickets = []
    for pk in dict.fromkeys(ids or ()):
        try:
            tickets.append(access_ticket(user, pk))
        except NotFound:
            raise ValidationFailed("所选诉求不存在或您无权查看", code="case_invalid") from None
    return tickets


@durable_action
def do_create_meeting(
    *,
    acting_user: User,
    type: str,
    title: str,
    held_at: dt.datetime | None,
    chair_id: Any,
    place: str = "",
    unit_ids: Iterable[Any] = (),
    participant_ids: Iterable[Any] = (),
    case_ids: Iterable[Any] = (),
    now: dt.datetime | None = None,
    audit_action: str = "escalation.meeting_created",
    audit_extra: dict[str, Any] | None = None,
) -> Meeting:
    """`audit_action`/`audit_extra`: an upper app that creates the meeting as part of its own
    change (supervision's 处置分析会) names the one audit event and adds what it ties the meeting to."""
    now = _now(now)
    if not access.can_organise_meetings(acting_user):
        raise PermissionDenied("只有营商办、市政府办公室或派单员可以组织会办会议")
    if type not in MeetingType.values:
        raise ValidationFailed("会议类型无效", code="meeting_type_invalid")
    title = _text(title, code="title_required", message="请填写会议名称", max_length=120)
    if held_at is None:
        raise ValidationFailed("请填写会议时间", code="held_at_required")
    chairs = _users([chair_id] if chair_id not in (None, "") else [])
    if not chairs:
        raise ValidationFailed("请选择主持人", code="chair_required")
    units = [_unit(u) for u in dict.fromkeys(unit_ids or ())]
    people = _users(participant_ids)
    tickets = _visible_cases(acting_user, case_ids)
    meeting = Meeting.objects.create(
        type=type,
        title=title,
        held_at=held_at,
        place=_text(place, code="place_invalid", message="", max_length=120, required=False),
        chair=chairs[0],
        created_by=acting_user,
        created_at=now,
    )
    meeting.units.set(units)
    meeting.cases.set(tickets)
    Participant.objects.bulk_create(
        [Participant(meeting=meeting, user=u) for u in dict.fromkeys([chairs[0], *people])]
    )
    record(
        audit_action,
        actor=acting_user,
        obj=meeting,
        after={
            "type": type,
            "title": title,
            "held_at": held_at,
            "chair": chairs[0].pk,
            "units": [u.pk for u in units],
            "participants": [u.pk for u in people],
            "cases": [t.pk for t in tickets],
            **(audit_extra or {}),
        },
    )
    for ticket in tickets:
        add_event(
            ticket,
            "meeting_treated",
            actor=acting_user,
            note=f"提交{MeetingType(type).label}：{title}（{timezone.localtime(held_at):%Y-%m-%d %H:%M}）",
            data={"meeting_id": meeting.pk},
            now=now,
        )
    link = f"/escalation/meetings/{meeting.pk}/"
    _tell(
        [chairs[0], *people],
        acting_user,
        f"会议通知：{title}",
        f"请参加{MeetingType(type).label}「{title}」，时间 {timezone.localtime(held_at):%Y-%m-%d %H:%M}"
        + (f"，地点 {meeting.place}" if meeting.place else "")
        + "。请在系统中确认参会。",
        link,
        f"meeting:{meeting.pk}:invite",
    )
    return meeting


def _organiser(user: Any, meeting: Meeting) -> None:
    if meeting.created_by_id == user.pk or meeting.chair_id == user.pk or access.can_organise_meetings(user):
        return
    raise PermissionDenied("只有会议组织者或主持人可以执行此操作")


@durable_action
def do_record_minutes(
    *,
    acting_user: User,
    meeting_id: int,
    minutes: str,
    held: bool = True,
    version: Any = None,
    now: dt.datetime | None = None,
) -> Meeting:
    """The minutes, with "the meeting was held" (`held`) marking it held; draft minutes of a
    planned meeting leave it planned."""
    now = _now(now)
    meeting = access_meeting_locked(acting_user, meeting_id)
    _organiser(acting_user, meeting)
    kit.check_version(meeting, version)
    status = workflow.MEETING.check(meeting.status, "hold") if held else meeting.status
    text = _text(minutes, code="minutes_required", message="请填写会议纪要", max_length=20000)
    before = {"minutes": meeting.minutes[:200], "status": meeting.status}
    meeting.minutes = text
    meeting.status = status
    kit.save_change(meeting, ["minutes", "status"])
    record(
        "escalation.meeting_minutes",
        actor=acting_user,
        obj=meeting,
        before=before,
        after={"minutes": text[:200], "status": meeting.status},
    )
    return meeting


def access_meeting_locked(user: Any, meeting_id: Any) -> Meeting:
    return access.access_meeting(user, meeting_id, for_update=True)


@durable_action
def do_confirm_attendance(
    *, acting_user: User, meeting_id: int, now: dt.datetime | None = None
) -> Participant:
    now = _now(now)
    meeting = access_meeting_locked(acting_user, meeting_id)
    participant = Participant.objects.select_for_update().filter(meeting=meeting, user=acting_user).first()
    if participant is None:
        raise PermissionDenied("您不在本次会议的参会人员名单中", code="not_participant")
    if participant.confirmed_at is None:
        participant.confirmed_at = now
        participant.save(update_fields=["confirmed_at"])
        record(
            "escalation.attendance",
            actor=acting_user,
            obj=meeting,
            after={"participant": acting_user.pk, "confirmed_at": now},
        )
    return participant


@durable_action
def do_add_task(
    *,
    acting_user: User,
    meeting_id: int,
    content: str,
    owner_unit_id: Any,
    workdays: Any,
    ticket_id: Any = None,
    now: dt.datetime | None = None,
) -> MeetingTask:
    """A decision of the meeting becomes a task of one owner unit, due in N working days."""
    now = _now(now)
    meeting = access_meeting_locked(acting_user, meeting_id)
    _organiser(acting_user, meeting)
    content = _text(content, code="content_required", message="请填写议定事项", max_length=500)
    if owner_unit_id in (None, ""):
        raise ValidationFailed("议定任务必须指定责任单位", code="owner_unit_required")
    owner = _unit(owner_unit_id, code="owner_unit_required", message="议定任务必须指定有效的责任单位")
    n = _workdays(workdays)
    ticket = None
    if ticket_id not in (None, ""):
        ticket = meeting.cases.filter(pk=_int(ticket_id, code="case_invalid", message="诉求无效")).first()
        if ticket is None:
            raise ValidationFailed("议定任务关联的诉求须是本次会议会办的诉求", code="case_invalid")
    task = MeetingTask.objects.create(
        meeting=meeting,
        ticket=ticket,
        content=content,
        owner_unit=owner,
        workdays=n,
        due_at=due(now, n).at,
        created_at=now,
    )
    record(
        "escalation.task_created",
        actor=acting_user,
        obj=task,
        after={"meeting": meeting.pk, "owner_unit": owner.pk, "workdays": n, "due_at": task.due_at},
    )
    _tell(
        unit_members(owner.pk),
        acting_user,
        f"会议议定任务：{meeting.title}",
        f"{meeting.title}议定由贵单位办理：{content}（{n} 个工作日内，{timezone.localtime(task.due_at):%Y-%m-%d} 前完成）",
        "/escalation/tasks/",
        f"meeting-task:{task.pk}",
    )
    return task


@durable_action
def do_complete_task(
    *, acting_user: User, task_id: int, note: str, now: dt.datetime | None = None
) -> MeetingTask:
    now = _now(now)
    task = kit.lock(access.visible_tasks(acting_user), task_id)
    if not (access.unit_member(acting_user, task.owner_unit_id) or has_any_role(acting_user, {Role.ADMIN})):
        raise PermissionDenied("只有责任单位的人员可以报送任务完成情况", code="wrong_unit")
    done = workflow.TASK.check(task.status, "complete", message="该任务已完成", code="task_done")
    task.done_note = _text(note, code="note_required", message="请填写完成情况", max_length=1000)
    task.status, task.done_at, task.done_by = done, now, acting_user
    kit.save_change(task, ["done_note", "status", "done_at", "done_by"], bump=False)
    record(
        "escalation.task_done",
        actor=acting_user,
        obj=task,
        before={"status": TaskStatus.OPEN},
        after={"status": TaskStatus.DONE, "note": task.done_note[:200], "late": now > task.due_at},
    )
    return task


def minutes_docx(meeting: Meeting) -> bytes:
    """The minutes (纪要) as a Word document."""

    from docx import Document  # noqa: PLC0415 (python-docx pulls in lxml; loaded only when minutes are downloaded)

    doc = Document()
    doc.add_heading(meeting.title, level=1)
    local = timezone.localtime(meeting.held_at)
    doc.add_paragraph(f"会议类型：{meeting.get_type_display()}")
    doc.add_paragraph(
        f"时间：{local:%Y年%m月%d日 %H:%M}" + (f"    地点：{meeting.place}" if meeting.place else "")
    )
    doc.add_paragraph(f"主持：{meeting.chair.display_name}")
    units = "、".join(u.name for u in meeting.units.all())
    if units:
        doc.add_paragraph(f"参会单位：{units}")
    people = [
        f"{p.user.display_name}{'' if p.confirmed_at else '（未确认）'}"
        for p in meeting.participants.select_related("user")
    ]
    if people:
        doc.add_paragraph(f"参会人员：{'、'.join(people)}")
    cases = list(meeting.cases.all())
    if cases:
        doc.add_heading("会办诉求", level=2)
        for t in cases:
            doc.add_paragraph(f"{t.number} {t.title}", style="List Bullet")
    doc.add_heading("会议纪要", level=2)
    for line in (meeting.minutes or "（暂无纪要）").splitlines():
        doc.add_paragraph(line)
    tasks = list(meeting.tasks.select_related("owner_unit"))
    if tasks:
        doc.add_heading("议定事项", level=2)
        table = doc.add_table(rows=1, cols=4)
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, ["序号", "议定事项", "责任单位", "完成期限"], strict=True):
            cell.text = text
        for i, task in enumerate(tasks, 1):
            cells = table.add_row().cells
            cells[0].text = str(i)
            cells[1].text = task.content
            cells[2].text = task.owner_unit.name
            cells[3].text = f"{timezone.localtime(task.due_at):%Y-%m-%d}（{task.workdays}个工作日）"
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def remind_due_tasks(now: dt.datetime | None = None) -> int:
    """Remind the heads of the owner unit of each open meeting task due within one working day
    (即将到期) or overdue (已超期), at most once per task per day (Asia/Shanghai), whatever the
    number of schedulers and workers: the rows are claimed with SKIP LOCKED and marked by a
    conditional update in the same transaction, and only the rows that update marked are announced."""
    now = _now(now)
    day_start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    soon = due(now, 1).at
    not_today = Q(last_reminded_at__isnull=True) | Q(last_reminded_at__lt=day_start)
    count = 0
    while True:
        with transaction.atomic():
            claimed = list(
                MeetingTask.objects.select_for_update(skip_locked=True)
                .filter(not_today, status=TaskStatus.OPEN, due_at__lte=soon)
                .order_by("id")
                .values_list("pk", flat=True)[:500]
            )
            if not claimed:
                break
            marked = MeetingTask.objects.filter(not_today, pk__in=claimed).update(
                last_reminded_at=now, reminders=F("reminders") + 1
            )
            if not marked:
                break
            tasks = list(
                MeetingTask.objects.filter(pk__in=claimed, last_reminded_at=now)
                .select_related("meeting")
                .order_by("id")
            )
            heads: dict[int, list[User]] = {}
            for task in tasks:
                late = now > task.due_at
                if task.owner_unit_id not in heads:
                    heads[task.owner_unit_id] = unit_heads(task.owner_unit_id)
                when = timezone.localtime(task.due_at)
                _tell(heads[task.owner_unit_id], None,
                      f"会议议定任务{'已超期' if late else '即将到期'}：{task.content[:30]}",
                      f"「{task.meeting.title}」议定的任务{'已于' if late else '将于'}{when:%Y-%m-%d %H:%M}到期，"
                      f"请督促落实并报送完成情况。",
                      "/escalation/tasks/", f"task:{task.pk}:remind:{day_start:%Y%m%d}")  # fmt: skip
            ids = [t.pk for t in tasks]
            record("escalation.task_reminded", object_type="escalation.meetingtask",
                   object_repr=f"议定任务提醒：{len(ids)} 件", after={"ids": ids})  # fmt: skip
            count += len(ids)
    return count
