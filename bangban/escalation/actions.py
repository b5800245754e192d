"""Every change in escalation: tiers, manual escalation, meetings and their tasks, the mayor's
channel review chain, disputes and supervision orders.

Each `do_*` function takes keyword-only arguments with `acting_user` and `now` (defaults to the
current time), runs in one transaction, locks the row it changes (`select_for_update`), checks the
role, validates, writes an audit record (for a case: a timeline entry, which is also its audit
event) and queues notifications in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from bangban.accounts.access import has_any_role
from bangban.accounts.models import User
from bangban.accounts.roles import Role
from bangban.audit.actions import record
from bangban.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from bangban.notifications.actions import notify_user
from bangban.org.models import Unit
from bangban.tickets import actions as ticket_actions
from bangban.tickets.access import access_ticket
from bangban.tickets.events import add_event
from bangban.tickets.models import Category, Ticket, TicketAssignment, Urgency
from bangban.tickets.notifications import case_link, unit_heads, unit_members
from bangban.tickets.workflow import FINAL_STATUSES, OPEN_STATUSES, Status
from bangban.workdays.service import due, workdays_between

from . import access, hooks
from .models import (
    CaseEscalation,
    DeputyRoute,
    Dispute,
    DisputeStatus,
    EscalationSettings,
    EscalationStep,
    MayorReview,
    Meeting,
    MeetingStatus,
    MeetingTask,
    MeetingType,
    Participant,
    ProblemKind,
    ReviewStage,
    ReviewStep,
    SignDecision,
    StepKind,
    SupervisionKind,
    SupervisionOrder,
    SupervisionStatus,
    TaskStatus,
    Tier,
)

MAX_TASK_WORKDAYS = 60

ACTION_LABELS = {
    "ticket.escalate": "诉求升级会办",
    "ticket.meeting_treated": "诉求提交会办",
    "ticket.mayor_review": "市长直通车审核签批",
    "ticket.dispute": "职责异议",
    "ticket.dispute_decided": "专班认定职责",
    "ticket.supervision": "督办/催办",
    "escalation.tiers": "修改会办层级",
    "escalation.settings": "修改分级会办参数",
    "escalation.deputy_route": "修改对口联系副秘书长",
    "escalation.meeting_created": "登记会办会议",
    "escalation.meeting_minutes": "填写会议纪要",
    "escalation.attendance": "确认参会",
    "escalation.task_created": "会议议定任务",
    "escalation.task_done": "议定任务完成",
    "escalation.supervision_issued": "下发督办单",
    "escalation.supervision_answered": "答复督办单",
    "escalation.supervision_reminded": "督办提醒",
    "escalation.task_reminded": "议定任务到期提醒",
    "escalation.sweep": "自动升级巡检",
}


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _text(value: Any, *, code: str, message: str, max_length: int = 1000, required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationFailed(message, code=code)
    if len(text) > max_length:
        raise ValidationFailed(f"内容过长，最多 {max_length} 字", code="too_long")
    return text


def _int(value: Any, *, code: str, message: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationFailed(message, code=code) from None


def _workdays(value: Any, *, default: int | None = None, label: str = "办理时限") -> int:
    if value in (None, "") and default is not None:
        return default
    n = _int(value, code="invalid_workdays", message=f"{label}应为 1–{MAX_TASK_WORKDAYS} 个工作日")
    if not 1 <= n <= MAX_TASK_WORKDAYS:
        raise ValidationFailed(f"{label}应为 1–{MAX_TASK_WORKDAYS} 个工作日", code="invalid_workdays")
    return n


def _unit(unit_id: Any, *, code: str = "unit_invalid", message: str = "单位不存在或已停用") -> Unit:
    pk = _int(unit_id, code=code, message=message)
    unit = Unit.objects.filter(pk=pk, is_active=True).first()
    if unit is None:
        raise ValidationFailed(message, code=code)
    return unit


def _users(ids: Iterable[Any]) -> list[User]:
    try:
        pks = list(dict.fromkeys(int(i) for i in ids or ()))
    except (TypeError, ValueError):
        raise ValidationFailed("人员编号无效", code="user_invalid") from None
    found = User.objects.in_bulk(pks)
    missing = [i for i in pks if i not in found or not found[i].is_active]
    if missing:
        raise ValidationFailed("人员不存在或已停用", code="user_invalid")
    return [found[i] for i in pks]


def _tell(users: Iterable[Any], actor: Any, subject: str, body: str, link: str, key: str) -> None:
    seen: set[int] = set()
    for user in users:
        if user is None or user.pk in seen or user.pk == getattr(actor, "pk", None) or not user.is_active:
            continue
        seen.add(user.pk)
        notify_user(user, subject, body, link=link, dedupe_key_prefix=key)


def role_users(*roles: str) -> list[User]:
    return list(User.objects.filter(is_active=True, roles__code__in=list(roles)).distinct().order_by("pk"))


def settings_row() -> EscalationSettings:
    row = EscalationSettings.objects.filter(pk=1).first()
    if row is None:
        row, _ = EscalationSettings.objects.get_or_create(pk=1)
    return row


# --- tiers ---------------------------------------------------------------------------------------


DEFAULT_TIERS = [
    (1, "接收单位办理", "unit", "", 5),
    (2, "专题会办", "meeting", MeetingType.TOPIC, 5),
    (3, "市营商办协调", "office", "", 5),
    (4, "常务副市长会办", "meeting", MeetingType.EXECUTIVE, 10),
]


def ensure_default_tiers() -> None:
    """The default chain (R12.2), if no tier is configured yet."""
    if Tier.objects.exists():
        return
    for level, name, kind, meeting_type, workdays in DEFAULT_TIERS:
        Tier.objects.get_or_create(
            level=level,
            defaults={"name": name, "kind": kind, "meeting_type": meeting_type, "workdays": workdays},
        )


def active_tiers() -> list[Tier]:
    ensure_default_tiers()
    return list(Tier.objects.filter(is_active=True).order_by("level"))


def tier_by_level(level: int) -> Tier | None:
    return Tier.objects.filter(level=level).first()


def next_tier(level: int) -> Tier | None:
    return Tier.objects.filter(is_active=True, level__gt=level).order_by("level").first()


def current_level(ticket: Ticket) -> int:
    row = CaseEscalation.objects.filter(ticket_id=ticket.pk).values_list("level", flat=True).first()
    return row or 1


def do_update_tier(
    *,
    acting_user: Any,
    tier_id: int,
    name: str,
    workdays: Any,
    is_active: bool = True,
    owner_unit_id: Any = None,
) -> Tier:
    if not access.can_configure(acting_user):
        raise PermissionDenied("只有系统管理员或营商办可以配置会办层级")
    with transaction.atomic():
        tier = Tier.objects.select_for_update().filter(pk=tier_id).first()
        if tier is None:
            raise NotFound()
        before = {"name": tier.name, "workdays": tier.workdays, "is_active": tier.is_active}
        tier.name = _text(name, code="name_required", message="层级名称不能为空", max_length=40)
        tier.workdays = _workdays(workdays, label="本级办理时限")
        if tier.level == 1 and not is_active:
            raise ValidationFailed("第1级（接收单位）不能停用", code="tier_required")
        tier.is_active = bool(is_active)
        tier.owner_unit = _unit(owner_unit_id) if owner_unit_id else None
        tier.save()
        record(
            "escalation.tiers",
            actor=acting_user,
            obj=tier,
            before=before,
            after={"name": tier.name, "workdays": tier.workdays, "is_active": tier.is_active},
        )
    return tier


SETTING_LABELS = {
    "auto_max_level": "自动升级最高层级",
    "dispute_window_workdays": "异议申请时限",
    "dispute_decision_workdays": "专班认定时限",
    "supervision_workdays": "督办默认答复时限",
}


def do_update_settings(*, acting_user: Any, **values: Any) -> EscalationSettings:
    from .models import AutoRule

    if not access.can_configure(acting_user):
        raise PermissionDenied("只有系统管理员或营商办可以修改分级会办参数")
    with transaction.atomic():
        row = settings_row()
        row = EscalationSettings.objects.select_for_update().get(pk=row.pk)
        before = {f: getattr(row, f) for f in values}
        if "auto_rule" in values:
            if values["auto_rule"] not in AutoRule.values:
                raise ValidationFailed("自动升级规则无效", code="auto_rule_invalid")
            row.auto_rule = values["auto_rule"]
        for field in (
            "auto_max_level",
            "dispute_window_workdays",
            "dispute_decision_workdays",
            "supervision_workdays",
        ):
            if field in values:
                setattr(
                    row,
                    field,
                    _workdays(values[field], label=SETTING_LABELS[field]),
                )
        row.save()
        record(
            "escalation.settings",
            actor=acting_user,
            obj=row,
            before=before,
            after={f: getattr(row, f) for f in values},
        )
    return row


# --- manual escalation ---------------------------------------------------------------------------


def _escalation_row(ticket: Ticket) -> CaseEscalation | None:
    return CaseEscalation.objects.select_for_update().filter(ticket_id=ticket.pk).first()


def _check_open(ticket: Ticket, doing: str) -> None:
    if ticket.status in FINAL_STATUSES or ticket.status == Status.REPLIED:
        raise InvalidTransition(
            f"诉求当前为“{Status(ticket.status).label}”，已办结或已答复的诉求不能{doing}",
            code="case_finished",
        )


def do_escalate(
    *,
    acting_user: Any,
    ticket_id: int,
    reason: str,
    to_level: int | None = None,
    now: dt.datetime | None = None,
) -> EscalationStep:
    """Raise a case by hand to the next tier (or to `to_level`), with a reason."""
    now = _now(now)
    ensure_default_tiers()
    with transaction.atomic():
        ticket = access_ticket(acting_user, ticket_id, "view", for_update=True)
        if not access.is_staff(acting_user):
            raise NotFound()
        _check_open(ticket, "升级会办")
        reason = _text(reason, code="reason_required", message="升级会办必须填写理由", max_length=500)
        row = _escalation_row(ticket)
        level = row.level if row else 1
        target = tier_by_level(int(to_level)) if to_level else next_tier(level)
        if target is None or not target.is_active:
            raise ValidationFailed("已是最高层级，或所选层级不存在、已停用", code="tier_invalid")
        if target.level <= level:
            raise ValidationFailed(f"诉求当前已在第{level}级，只能升至更高层级", code="tier_invalid")
        allowed = access.max_escalation_level(acting_user)
        if (
            has_any_role(acting_user, {Role.UNIT_HEAD})
            and allowed <= 2
            and ticket.lead_unit_id != acting_user.unit_id
        ):
            allowed = 0
        if target.level > allowed:
            raise PermissionDenied(f"您的角色不能将诉求升至第{target.level}级（{target.name}）")
        step = _apply_step(ticket, row, level, target, StepKind.MANUAL, reason, acting_user, now)
        _announce_step(ticket, step, acting_user)
    return step


def _apply_step(
    ticket: Ticket,
    row: CaseEscalation | None,
    level: int,
    target: Tier,
    kind: str,
    reason: str,
    actor: Any,
    now: dt.datetime,
) -> EscalationStep:
    tier_due = due(now, target.workdays).at
    try:
        with transaction.atomic():
            step = EscalationStep.objects.create(
                ticket=ticket,
                from_level=level,
                to_level=target.level,
                tier_name=target.name,
                kind=kind,
                reason=reason,
                actor=actor if getattr(actor, "pk", None) else None,
                actor_name=(getattr(actor, "display_name", "") or "系统")[:80],
                at=now,
                tier_due_at=tier_due,
            )
    except IntegrityError:
        raise Conflict(
            f"诉求已升至过第{target.level}级，每级只能升级一次", code="already_escalated"
        ) from None
    if row is None:
        CaseEscalation.objects.create(
            ticket=ticket, level=target.level, tier=target, entered_at=now, tier_due_at=tier_due
        )
    else:
        row.level, row.tier, row.entered_at, row.tier_due_at = target.level, target, now, tier_due
        row.version += 1
        row.save()
    add_event(
        ticket,
        "escalate",
        actor=actor,
        note=f"由第{level}级升至第{target.level}级（{target.name}）：{reason}",
        data={"from_level": level, "to_level": target.level, "kind": kind, "step_id": step.pk},
        audit_before={"level": level},
        audit_after={"level": target.level, "tier": target.name, "reason": reason[:200], "kind": kind},
        now=now,
    )
    return step


def escalation_recipients(ticket_id: int, lead_unit_id: int | None) -> list[User]:
    return role_users(Role.BIZ_OFFICE) + [u for u in unit_members(lead_unit_id, (Role.UNIT_HEAD,))]


def _announce_step(ticket: Ticket, step: EscalationStep, actor: Any) -> None:
    _tell(
        escalation_recipients(ticket.pk, ticket.lead_unit_id),
        actor,
        f"诉求升级会办：{ticket.number}",
        f"诉求{ticket.number}「{ticket.title[:30]}」已升至第{step.to_level}级（{step.tier_name}）：{step.reason}",
        case_link(ticket.pk),
        f"escalation-step:{step.pk}",
    )


# --- meetings ------------------------------------------------------------------------------------


def _visible_cases(user: Any, ids: Iterable[Any]) -> list[Ticket]:
    tickets = []
    for pk in dict.fromkeys(ids or ()):
        try:
            tickets.append(access_ticket(user, pk))
        except NotFound:
            raise ValidationFailed("所选诉求不存在或您无权查看", code="case_invalid") from None
    return tickets


def do_create_meeting(
    *,
    acting_user: Any,
    type: str,
    title: str,
    held_at: dt.datetime | None,
    chair_id: Any,
    place: str = "",
    unit_ids: Iterable[Any] = (),
    participant_ids: Iterable[Any] = (),
    case_ids: Iterable[Any] = (),
    now: dt.datetime | None = None,
) -> Meeting:
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
    with transaction.atomic():
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
            "escalation.meeting_created",
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


def do_record_minutes(
    *, acting_user: Any, meeting_id: int, minutes: str, held: bool = True, now: dt.datetime | None = None
) -> Meeting:
    now = _now(now)
    with transaction.atomic():
        meeting = access_meeting_locked(acting_user, meeting_id)
        _organiser(acting_user, meeting)
        text = _text(minutes, code="minutes_required", message="请填写会议纪要", max_length=20000)
        before = {"minutes": meeting.minutes[:200], "status": meeting.status}
        meeting.minutes = text
        if held:
            meeting.status = MeetingStatus.HELD
        meeting.version += 1
        meeting.save()
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


def do_confirm_attendance(
    *, acting_user: Any, meeting_id: int, now: dt.datetime | None = None
) -> Participant:
    now = _now(now)
    with transaction.atomic():
        meeting = access_meeting_locked(acting_user, meeting_id)
        participant = (
            Participant.objects.select_for_update().filter(meeting=meeting, user=acting_user).first()
        )
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


def do_add_task(
    *,
    acting_user: Any,
    meeting_id: int,
    content: str,
    owner_unit_id: Any,
    workdays: Any,
    ticket_id: Any = None,
    now: dt.datetime | None = None,
) -> MeetingTask:
    """A decision of the meeting becomes a task of one owner unit, due in N working days."""
    now = _now(now)
    with transaction.atomic():
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


def do_complete_task(
    *, acting_user: Any, task_id: int, note: str, now: dt.datetime | None = None
) -> MeetingTask:
    now = _now(now)
    with transaction.atomic():
        task = access.visible_tasks(acting_user).select_for_update().filter(pk=task_id).first()
        if task is None:
            raise NotFound()
        if not (
            access.unit_member(acting_user, task.owner_unit_id) or has_any_role(acting_user, {Role.ADMIN})
        ):
            raise PermissionDenied("只有责任单位的人员可以报送任务完成情况", code="wrong_unit")
        if task.status == TaskStatus.DONE:
            raise InvalidTransition("该任务已完成", code="task_done")
        task.done_note = _text(note, code="note_required", message="请填写完成情况", max_length=1000)
        task.status, task.done_at, task.done_by = TaskStatus.DONE, now, acting_user
        task.save()
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
    import io

    from docx import Document

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


# --- the mayor's channel (R8) --------------------------------------------------------------------


def _lock_review(user: Any, ticket_id: Any) -> tuple[Ticket, MayorReview]:
    ticket = access_ticket(user, ticket_id, "view", for_update=True)
    if not has_any_role(user, access.MAYOR_CHAIN_ROLES):
        raise NotFound()
    review = open_review(ticket, lock=True)
    if review is None:
        raise NotFound("该诉求不是市长直通车诉求", code="not_found")
    return ticket, review


def open_review(ticket: Ticket, *, lock: bool = False) -> MayorReview | None:
    """The case's review, opened on first use for a mayor-channel submission (R8.1)."""
    qs = MayorReview.objects.select_for_update() if lock else MayorReview.objects.all()
    review = qs.filter(ticket=ticket).first()
    if review is None and hooks.under_review(ticket):
        review, _ = MayorReview.objects.get_or_create(
            ticket=ticket, defaults={"collected_at": ticket.received_at}
        )
    return review


def _review_step(
    ticket: Ticket,
    review: MayorReview,
    stage: str,
    decision: str,
    comment: str,
    actor: Any,
    now: dt.datetime,
    **audit: Any,
) -> ReviewStep:
    step = ReviewStep.objects.create(
        review=review,
        stage=stage,
        decision=decision,
        comment=comment,
        actor=actor,
        actor_name=actor.display_name[:80],
        at=now,
    )
    review.version += 1
    review.save()
    label = f"{ReviewStage(stage).label}：{SignDecision(decision).label}"
    add_event(
        ticket,
        "mayor_review",
        actor=actor,
        note=label + (f"。{comment}" if comment else ""),
        data={"stage": stage, "decision": decision, "next": review.stage},
        audit_before={"stage": stage},
        audit_after={"stage": review.stage, "decision": decision, "comment": comment[:200], **audit},
        now=now,
    )
    return step


def deputy_for(category: Category | None) -> User | None:
    while category is not None:
        route = DeputyRoute.objects.select_related("deputy").filter(category=category).first()
        if route is not None and route.deputy.is_active:
            return route.deputy
        category = category.parent
    return None


# The 对口联系副秘书长 table (R8.2): 市政府办公室专人 and the administrator keep it.


def _route_category(category_id: Any) -> Category:
    message = "请选择有效的诉求分类（须存在且已启用）"
    pk = _int(category_id, code="category_invalid", message=message)
    category = Category.objects.filter(pk=pk, is_active=True).first()
    if category is None:
        raise ValidationFailed(message, code="category_invalid")
    return category


def _route_deputy(deputy_id: Any) -> User:
    message = "审核人必须是在岗的对口联系副秘书长（具有副秘书长角色的有效账号）"
    pk = _int(deputy_id, code="reviewer_not_deputy", message=message)
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or not user.roles.filter(code=Role.DEPUTY_SECRETARY_GENERAL).exists():
        raise ValidationFailed(message, code="reviewer_not_deputy")
    return user


def _route_state(route: DeputyRoute) -> dict[str, Any]:
    return {
        "category": route.category_id,
        "category_name": route.category.path or route.category.name,
        "deputy": route.deputy_id,
        "deputy_name": route.deputy.display_name,
    }


def _check_route_editor(user: Any) -> None:
    if not access.can_edit_routes(user):
        raise PermissionDenied(
            "只有市政府办公室专人或系统管理员可以维护对口联系副秘书长", code="permission_denied"
        )


def _mapping_exists(category: Category) -> Conflict:
    return Conflict(
        f"“{category.path or category.name}”已配置对口联系副秘书长，每个分类只能配置一条，请修改原有配置",
        code="mapping_exists",
    )


def do_create_route(*, acting_user: Any, category_id: Any, deputy_id: Any) -> DeputyRoute:
    _check_route_editor(acting_user)
    category = _route_category(category_id)
    deputy = _route_deputy(deputy_id)
    with transaction.atomic():
        # The category row is the lock: two editors adding the same category queue up here.
        Category.objects.select_for_update().filter(pk=category.pk).first()
        if DeputyRoute.objects.filter(category=category).exists():
            raise _mapping_exists(category)
        try:
            with transaction.atomic():
                route = DeputyRoute.objects.create(category=category, deputy=deputy)
        except IntegrityError:
            raise _mapping_exists(category) from None
        record("escalation.deputy_route", actor=acting_user, obj=route,
               object_repr=f"对口联系副秘书长：{category.path or category.name}",
               before=None, after=_route_state(route))  # fmt: skip
    return route


def _locked_route(route_id: Any) -> DeputyRoute:
    try:
        pk = int(route_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    route = DeputyRoute.objects.select_for_update().filter(pk=pk).first()
    if route is None:
        raise NotFound("该对口配置不存在或已删除")
    return route


def do_update_route(*, acting_user: Any, route_id: Any, category_id: Any, deputy_id: Any) -> DeputyRoute:
    _check_route_editor(acting_user)
    category = _route_category(category_id)
    deputy = _route_deputy(deputy_id)
    with transaction.atomic():
        route = _locked_route(route_id)
        before = _route_state(route)
        if category.pk != route.category_id:
            Category.objects.select_for_update().filter(pk=category.pk).first()
            if DeputyRoute.objects.filter(category=category).exclude(pk=route.pk).exists():
                raise _mapping_exists(category)
        route.category, route.deputy = category, deputy
        try:
            with transaction.atomic():
                route.save()
        except IntegrityError:
            raise _mapping_exists(category) from None
        record("escalation.deputy_route", actor=acting_user, obj=route,
               object_repr=f"对口联系副秘书长：{category.path or category.name}",
               before=before, after=_route_state(route))  # fmt: skip
    return route


def do_delete_route(*, acting_user: Any, route_id: Any) -> None:
    _check_route_editor(acting_user)
    with transaction.atomic():
        route = _locked_route(route_id)
        before = _route_state(route)
        pk = route.pk
        route.delete()
        record("escalation.deputy_route", actor=acting_user, object_type="escalation.deputyroute",
               object_id=pk, object_repr=f"删除对口联系副秘书长：{before['category_name']}",
               before=before, after=None)  # fmt: skip


def do_classify(
    *,
    acting_user: Any,
    ticket_id: int,
    category_id: Any,
    kind: str,
    comment: str = "",
    now: dt.datetime | None = None,
) -> MayorReview:
    """市政府办公室专人 classify a submission; it goes to the 对口联系副秘书长 of its category."""
    now = _now(now)
    with transaction.atomic():
        ticket, review = _lock_review(acting_user, ticket_id)
        if not has_any_role(acting_user, access.MAYOR_STAFF_ROLES):
            raise PermissionDenied("只有市政府办公室专人可以分类", code="permission_denied")
        _check_open(ticket, "分类")
        if review.stage != ReviewStage.COLLECTED:
            raise InvalidTransition(
                f"该诉求当前为“{review.get_stage_display()}”，不能再分类", code="out_of_turn"
            )
        if kind not in ProblemKind.values:
            raise ValidationFailed("请选择问题类别（一般问题/重大问题）", code="kind_required")
        category = Category.objects.filter(
            pk=_int(category_id, code="category_required", message="请选择诉求分类"), is_active=True
        ).first()
        if category is None:
            raise ValidationFailed("请选择有效的诉求分类", code="category_required")
        deputy = deputy_for(category)
        if deputy is None:
            raise ValidationFailed(
                f"“{category.path or category.name}”未配置对口联系副秘书长，请先在对口表中配置",
                code="deputy_route_missing",
            )
        review.kind, review.category, review.deputy, review.stage = kind, category, deputy, ReviewStage.DEPUTY
        comment = _text(comment, code="comment_invalid", message="", required=False)
        _review_step(ticket, review, ReviewStage.COLLECTED, SignDecision.CLASSIFY, comment, acting_user, now,
                     kind=kind, category=category.pk, deputy=deputy.pk)  # fmt: skip
        _tell([deputy], acting_user, f"市长直通车待审核：{ticket.number}",
              f"诉求{ticket.number}「{ticket.title[:30]}」（{ProblemKind(kind).label}）请审核。",
              f"/escalation/mayor/{ticket.pk}/", f"mayor:{ticket.pk}:deputy:{review.version}")  # fmt: skip
    return review


# Who signs at which stage, and where accept / return lead.
_CHAIN = {
    ReviewStage.DEPUTY: (
        Role.DEPUTY_SECRETARY_GENERAL,
        "对口联系副秘书长",
        ReviewStage.SECRETARY,
        ReviewStage.COLLECTED,
    ),
    ReviewStage.SECRETARY: (Role.SECRETARY_GENERAL, "秘书长", ReviewStage.VICE_MAYOR, ReviewStage.DEPUTY),
    ReviewStage.VICE_MAYOR: (Role.VICE_MAYOR, "分管市长", ReviewStage.READY, ReviewStage.SECRETARY),
}


def _signing_stage(user: Any, review: MayorReview) -> str:
    """The stage `user` signs at now, or an error that says whose turn it is."""
    mine = [stage for stage, (role, *_r) in _CHAIN.items() if has_any_role(user, {role})]
    if not mine and not has_any_role(user, {Role.ADMIN}):
        raise PermissionDenied("只有对口联系副秘书长、秘书长或分管市长可以审核签批")
    if review.stage in mine or (has_any_role(user, {Role.ADMIN}) and review.stage in _CHAIN):
        return review.stage
    whose = _CHAIN[ReviewStage(review.stage)][1] if review.stage in _CHAIN else ""
    mine_label = "、".join(_CHAIN[ReviewStage(s)][1] for s in mine) or "您"
    raise InvalidTransition(
        f"当前环节为“{review.get_stage_display()}”"
        + (f"，应由{whose}办理" if whose else "")
        + f"，{mine_label}不能越过顺序签批",
        code="out_of_turn",
    )


def do_sign(
    *, acting_user: Any, ticket_id: int, decision: str, comment: str = "", now: dt.datetime | None = None
) -> MayorReview:
    """The 对口联系副秘书长 reviews, then the 秘书长 and the 分管市长 sign, each in turn: accept, or
    return to the previous stage with a comment."""
    now = _now(now)
    with transaction.atomic():
        ticket, review = _lock_review(acting_user, ticket_id)
        _check_open(ticket, "签批")
        stage = _signing_stage(acting_user, review)
        if (
            stage == ReviewStage.DEPUTY
            and review.deputy_id not in (acting_user.pk, None)
            and not has_any_role(acting_user, {Role.ADMIN})
        ):
            raise PermissionDenied("该诉求由其他对口联系副秘书长审核")
        if decision not in (SignDecision.ACCEPT, SignDecision.RETURN):
            raise ValidationFailed("请选择同意或退回", code="decision_invalid")
        comment = _text(
            comment,
            code="comment_required",
            message="退回必须填写意见",
            required=decision == SignDecision.RETURN,
        )
        _role, _who, forward, back = _CHAIN[ReviewStage(stage)]
        if (
            decision == SignDecision.ACCEPT
            and stage == ReviewStage.SECRETARY
            and review.kind == ProblemKind.MAJOR
        ):
            raise InvalidTransition(
                "重大问题由秘书长提请市长或副市长会商，不走签批流程", code="major_requires_consult"
            )
        review.stage = forward if decision == SignDecision.ACCEPT else back
        _review_step(ticket, review, stage, decision, comment, acting_user, now)
        nxt = _CHAIN.get(ReviewStage(review.stage))
        if nxt is not None:
            people = [review.deputy] if review.stage == ReviewStage.DEPUTY else role_users(nxt[0])
        else:
            people = role_users(Role.MAYOR_OFFICE)
        _tell(people, acting_user, f"市长直通车{review.get_stage_display()}：{ticket.number}",
              f"诉求{ticket.number}「{ticket.title[:30]}」{SignDecision(decision).label}"
              + (f"：{comment}" if comment else "") + f"，现为“{review.get_stage_display()}”。",
              f"/escalation/mayor/{ticket.pk}/", f"mayor:{ticket.pk}:{review.version}")  # fmt: skip
    return review


def do_request_consult(
    *,
    acting_user: Any,
    ticket_id: int,
    chair_id: Any,
    held_at: dt.datetime | None,
    comment: str = "",
    place: str = "",
    now: dt.datetime | None = None,
) -> Meeting:
    """Major problems: the 秘书长 asks the 市长 or a 副市长 to meet the enterprise (会商)."""
    now = _now(now)
    with transaction.atomic():
        ticket, review = _lock_review(acting_user, ticket_id)
        if not has_any_role(acting_user, {Role.SECRETARY_GENERAL, Role.ADMIN}):
            raise PermissionDenied("只有秘书长可以提请会商")
        _check_open(ticket, "提请会商")
        if review.stage != ReviewStage.SECRETARY:
            raise InvalidTransition(
                f"当前环节为“{review.get_stage_display()}”，不能提请会商", code="out_of_turn"
            )
        if review.kind != ProblemKind.MAJOR:
            raise InvalidTransition("一般问题走签批流程，重大问题才提请会商", code="consult_for_major_only")
        chair = _users([chair_id] if chair_id not in (None, "") else [])
        if not chair or not has_any_role(chair[0], {Role.MAYOR, Role.VICE_MAYOR}):
            raise ValidationFailed("会商须由市长或副市长主持", code="chair_invalid")
        meeting = do_create_meeting(
            acting_user=acting_user,
            type=MeetingType.CONSULT,
            title=f"{ticket.enterprise_name or (ticket.enterprise.name if ticket.enterprise else '')}问题会商：{ticket.title}"[
                :120
            ],
            held_at=held_at,
            chair_id=chair[0].pk,
            place=place,
            participant_ids=[acting_user.pk] + ([review.deputy_id] if review.deputy_id else []),
            case_ids=[ticket.pk],
            now=now,
        )
        review.stage, review.consult_meeting = ReviewStage.CONSULT, meeting
        _review_step(ticket, review, ReviewStage.SECRETARY, SignDecision.CONSULT,
                     _text(comment, code="comment_invalid", message="", required=False), acting_user, now,
                     meeting=meeting.pk)  # fmt: skip
    return meeting


def may_dispatch_review(review: MayorReview, ticket: Ticket) -> bool:
    if ticket.status != Status.PENDING_DISPATCH:
        return False
    if review.stage in (ReviewStage.READY, ReviewStage.DISPATCHED):
        return True
    return bool(
        review.stage == ReviewStage.CONSULT
        and review.consult_meeting_id
        and Meeting.objects.filter(pk=review.consult_meeting_id, status=MeetingStatus.HELD).exists()
    )


def do_mayor_dispatch(
    *,
    acting_user: Any,
    ticket_id: int,
    lead_unit_id: Any,
    urgency: str,
    co_unit_ids: Iterable[Any] = (),
    note: str = "",
    now: dt.datetime | None = None,
) -> Ticket:
    """After sign-off (or the 会商), 市政府办公室 dispatch the case through the case lifecycle; the
    2 / 5 / 15 working-day deadline of the mayor channel starts (R8.3)."""
    now = _now(now)
    with transaction.atomic():
        ticket, review = _lock_review(acting_user, ticket_id)
        if not has_any_role(acting_user, access.MAYOR_STAFF_ROLES):
            raise PermissionDenied("只有市政府办公室专人可以交办市长直通车诉求")
        if not may_dispatch_review(review, ticket):
            raise InvalidTransition(
                f"该诉求当前为“{review.get_stage_display()}”，须完成审核签批（或会商）后才能交办",
                code="mayor_signoff_incomplete",
            )
        if urgency not in Urgency.values:
            raise ValidationFailed("请选择办理时限类别（紧急2日/一般5日/复杂15日）", code="urgency_invalid")
        with hooks.through_review(ticket.pk):
            ticket = ticket_actions.do_dispatch(
                acting_user=acting_user,
                ticket_id=ticket.pk,
                lead_unit_id=lead_unit_id,
                co_unit_ids=list(co_unit_ids or ()),
                urgency=urgency,
                category_id=review.category_id,
                note=note,
                now=now,
            )
        previous = review.stage
        review.stage = ReviewStage.DISPATCHED
        ReviewStep.objects.create(
            review=review,
            stage=previous,
            decision=SignDecision.DISPATCH,
            comment=f"交办{ticket.lead_unit.name if ticket.lead_unit else ''}（{Urgency(urgency).label}）",
            actor=acting_user,
            actor_name=acting_user.display_name[:80],
            at=now,
        )
        review.version += 1
        review.save()
    return ticket


# --- disputes (R6.2) -----------------------------------------------------------------------------


def do_raise_dispute(
    *, acting_user: Any, ticket_id: int, reason: str, now: dt.datetime | None = None
) -> Dispute:
    """A unit assigned to the case disputes the dispatch, within the time limit after receiving it."""
    now = _now(now)
    config = settings_row()
    with transaction.atomic():
        ticket = access_ticket(acting_user, ticket_id, "view", for_update=True)
        if not has_any_role(acting_user, access.UNIT_ROLES) or not acting_user.unit_id:
            raise PermissionDenied("只有承办单位的人员可以提出职责异议")
        assignment = (
            TicketAssignment.objects.filter(ticket=ticket, unit_id=acting_user.unit_id, active=True)
            .order_by("-assigned_at")
            .first()
        )
        if assignment is None:
            raise PermissionDenied("只有被派单的单位可以提出职责异议")
        if ticket.status not in (Status.DISPATCHED, Status.IN_PROGRESS):
            raise InvalidTransition(
                f"诉求当前为“{Status(ticket.status).label}”，不能提出职责异议", code="invalid_transition"
            )
        reason = _text(reason, code="reason_required", message="提出异议必须填写理由")
        if Dispute.objects.filter(ticket=ticket, status=DisputeStatus.PENDING).exists():
            raise ValidationFailed("该诉求已有待专班认定的异议", code="dispute_pending")
        bound = Dispute.objects.filter(
            ticket=ticket, status=DisputeStatus.DECIDED, decided_at__gte=assignment.assigned_at
        )
        if bound.exists():
            raise ValidationFailed(
                "专班已认定本诉求的办理职责，认定结果对各单位具有约束力，不能再提异议", code="dispute_bound"
            )
        window = config.dispute_window_workdays
        if workdays_between(assignment.assigned_at, now) > window:
            raise ValidationFailed(
                f"已超过异议申请时限（接到派单后 {window} 个工作日内），不能再提出异议，请按派单办理",
                code="dispute_too_late",
            )
        dispute = Dispute.objects.create(
            ticket=ticket,
            unit_id=acting_user.unit_id,
            reason=reason,
            raised_by=acting_user,
            raised_at=now,
            decide_due_at=due(now, config.dispute_decision_workdays).at,
        )
        add_event(
            ticket,
            "dispute",
            actor=acting_user,
            note=f"{acting_user.unit.name}对派单提出职责异议：{reason}",
            data={"dispute_id": dispute.pk, "unit_id": acting_user.unit_id},
            audit_after={"dispute": dispute.pk, "unit": acting_user.unit_id, "reason": reason[:200]},
            now=now,
        )
        _tell(role_users(Role.DISPATCHER), acting_user, f"职责异议待认定：{ticket.number}",
              f"{acting_user.unit.name}对诉求{ticket.number}提出职责异议：{reason[:100]}。请专班于"
              f" {timezone.localtime(dispute.decide_due_at):%Y-%m-%d} 前认定。",
              f"/escalation/disputes/{dispute.pk}/", f"dispute:{dispute.pk}")  # fmt: skip
    return dispute


def do_decide_dispute(
    *,
    acting_user: Any,
    dispute_id: int,
    lead_unit_id: Any,
    decision: str,
    co_unit_ids: Iterable[Any] = (),
    meeting_id: Any = None,
    now: dt.datetime | None = None,
) -> Dispute:
    """The 专班 names the lead and co-handling units; the case is reassigned to them (binding)."""
    now = _now(now)
    if not access.can_decide_disputes(acting_user):
        raise PermissionDenied("只有职责认定专班（指挥中心派单员）可以认定")
    with transaction.atomic():
        dispute = access.visible_disputes(acting_user).select_for_update().filter(pk=dispute_id).first()
        if dispute is None:
            raise NotFound()
        if dispute.status != DisputeStatus.PENDING:
            raise InvalidTransition("该异议已认定", code="dispute_decided")
        decision = _text(decision, code="decision_required", message="请填写认定意见")
        if lead_unit_id in (None, ""):
            raise ValidationFailed("请指定主办单位", code="lead_unit_required")
        lead = _unit(lead_unit_id)
        co = [_unit(u) for u in dict.fromkeys(co_unit_ids or ()) if str(u) != str(lead.pk)]
        meeting = None
        if meeting_id not in (None, ""):
            meeting = (
                access.visible_meetings(acting_user).filter(pk=meeting_id, type=MeetingType.JOINT).first()
            )
            if meeting is None:
                raise ValidationFailed("所选联席会议不存在", code="meeting_invalid")
        ticket = Ticket.objects.select_for_update().get(pk=dispute.ticket_id)
        reason = f"专班认定：{decision}"[:500]
        current = set(
            TicketAssignment.objects.filter(ticket=ticket, active=True).values_list("unit_id", "role")
        )
        wanted = {(lead.pk, "lead"), *((u.pk, "co") for u in co)}
        if ticket.status in (Status.DISPATCHED, Status.IN_PROGRESS) and current != wanted:
            ticket_actions.do_reassign(
                acting_user=acting_user,
                ticket_id=ticket.pk,
                lead_unit_id=lead.pk,
                co_unit_ids=[u.pk for u in co],
                reason=reason,
                now=now,
            )
        elif ticket.status == Status.PENDING_DISPATCH:
            with hooks.through_review(ticket.pk):
                ticket_actions.do_dispatch(
                    acting_user=acting_user,
                    ticket_id=ticket.pk,
                    lead_unit_id=lead.pk,
                    co_unit_ids=[u.pk for u in co],
                    note=reason,
                    now=now,
                )
        dispute.status, dispute.decision, dispute.lead_unit = DisputeStatus.DECIDED, decision, lead
        dispute.decided_by, dispute.decided_at, dispute.meeting = acting_user, now, meeting
        dispute.save()
        dispute.co_units.set(co)
        add_event(
            ticket,
            "dispute_decided",
            actor=acting_user,
            note=f"专班认定由{lead.name}主办"
            + (f"，{'、'.join(u.name for u in co)}协办" if co else "")
            + f"：{decision}",
            data={"dispute_id": dispute.pk, "lead_unit_id": lead.pk, "co_unit_ids": [u.pk for u in co]},
            audit_before={"status": DisputeStatus.PENDING},
            audit_after={
                "status": DisputeStatus.DECIDED,
                "lead": lead.pk,
                "co": [u.pk for u in co],
                "late": now > dispute.decide_due_at,
            },
            now=now,
        )
        _tell(
            [
                *unit_members(dispute.unit_id),
                *unit_members(lead.pk),
                *(m for u in co for m in unit_members(u.pk)),
            ],
            acting_user,
            f"职责异议已认定：{ticket.number}",
            f"专班认定诉求{ticket.number}由{lead.name}主办"
            + (f"，{'、'.join(u.name for u in co)}协办" if co else "")
            + "，认定结果各单位须执行。",
            case_link(ticket.pk),
            f"dispute:{dispute.pk}:decided",
        )
    return dispute


# --- supervision (督办 / 催办) ----------------------------------------------------------------------


def do_issue_order(
    *,
    acting_user: Any,
    kind: str,
    content: str,
    ticket_id: Any = None,
    task_id: Any = None,
    workdays: Any = None,
    now: dt.datetime | None = None,
) -> SupervisionOrder:
    """A supervisor orders the unit in charge of a case (its lead unit) or of a meeting task (its
    owner) to act, with a deadline and a required written response."""
    now = _now(now)
    if not access.can_supervise(acting_user):
        raise PermissionDenied("只有营商办、市政府办公室或作风办可以下发督办单")
    if kind not in SupervisionKind.values:
        raise ValidationFailed("类型无效（督办/催办）", code="kind_invalid")
    if (ticket_id in (None, "")) == (task_id in (None, "")):
        raise ValidationFailed("请选择督办的诉求或会议任务（二选一）", code="target_required")
    content = _text(content, code="content_required", message="请填写督办要求")
    n = _workdays(workdays, default=settings_row().supervision_workdays, label="答复时限")
    with transaction.atomic():
        ticket = task = None
        if ticket_id not in (None, ""):
            ticket = access_ticket(acting_user, ticket_id, "view", for_update=True)
            _check_open(ticket, "督办")
            if not ticket.lead_unit_id:
                raise ValidationFailed("该诉求尚未派单，没有可督办的主办单位", code="no_unit")
            unit_id = ticket.lead_unit_id
        else:
            task = access.visible_tasks(acting_user).select_for_update().filter(pk=task_id).first()
            if task is None:
                raise NotFound()
            if task.status == TaskStatus.DONE:
                raise InvalidTransition("该任务已完成，无需督办", code="task_done")
            unit_id = task.owner_unit_id
        order = SupervisionOrder.objects.create(
            kind=kind,
            ticket=ticket,
            task=task,
            unit_id=unit_id,
            content=content,
            issued_by=acting_user,
            issued_at=now,
            workdays=n,
            due_at=due(now, n).at,
        )
        after = {
            "kind": kind,
            "unit": unit_id,
            "workdays": n,
            "due_at": order.due_at,
            "content": content[:200],
        }
        if ticket is not None:
            add_event(
                ticket,
                "supervision",
                actor=acting_user,
                note=f"{SupervisionKind(kind).label}：{content}（{n} 个工作日内书面答复）",
                data={"order_id": order.pk},
                audit_after=after,
                now=now,
            )
        record("escalation.supervision_issued", actor=acting_user, obj=order, after=after)
        _tell(unit_members(unit_id), acting_user, f"{SupervisionKind(kind).label}单：请于 {n} 个工作日内书面答复",
              content, f"/escalation/supervision/{order.pk}/", f"supervision:{order.pk}")  # fmt: skip
    return order


def do_respond_order(
    *, acting_user: Any, order_id: int, response: str, now: dt.datetime | None = None
) -> SupervisionOrder:
    now = _now(now)
    with transaction.atomic():
        order = access.visible_orders(acting_user).select_for_update().filter(pk=order_id).first()
        if order is None:
            raise NotFound()
        if not access.unit_member(acting_user, order.unit_id):
            unit = Unit.objects.filter(pk=order.unit_id).values_list("name", flat=True).first()
            raise PermissionDenied(f"该督办单应由{unit}答复，您所在单位不能答复", code="wrong_unit")
        if order.status != SupervisionStatus.OPEN:
            raise InvalidTransition("该督办单已答复", code="already_answered")
        order.response = _text(response, code="response_required", message="请填写书面答复", max_length=5000)
        order.status, order.responded_by, order.responded_at = SupervisionStatus.ANSWERED, acting_user, now
        order.save()
        after = {"status": order.status, "late": now > order.due_at, "response": order.response[:200]}
        record("escalation.supervision_answered", actor=acting_user, obj=order,
               before={"status": SupervisionStatus.OPEN}, after=after)  # fmt: skip
        if order.ticket_id:
            add_event(
                Ticket.objects.get(pk=order.ticket_id),
                "supervision_answered",
                actor=acting_user,
                note=f"答复{order.get_kind_display()}：{order.response[:300]}",
                data={"order_id": order.pk},
                audit_after=after,
                now=now,
            )
        _tell([order.issued_by], acting_user, f"{order.get_kind_display()}单已答复",
              f"{acting_user.unit.name}：{order.response[:200]}",
              f"/escalation/supervision/{order.pk}/", f"supervision:{order.pk}:answered")  # fmt: skip
    return order


def remind_open_orders(now: dt.datetime | None = None) -> int:
    """Remind the addressed unit of each open order due within a working day or overdue, once a
    day per order, whatever the number of workers (claimed rows, conditional update)."""
    now = _now(now)
    day_start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    soon = due(now, 1).at
    count = 0
    while True:
        with transaction.atomic():
            rows = list(
                SupervisionOrder.objects.select_for_update(skip_locked=True)
                .filter(status=SupervisionStatus.OPEN, due_at__lte=soon)
                .exclude(last_reminded_at__gte=day_start)
                .order_by("id")[:500]
            )
            if not rows:
                break
            ids = [o.pk for o in rows]
            SupervisionOrder.objects.filter(pk__in=ids).filter(
                Q(last_reminded_at__isnull=True) | Q(last_reminded_at__lt=day_start)
            ).update(last_reminded_at=now, reminders=F("reminders") + 1)
            for order in rows:
                late = now > order.due_at
                _tell(unit_members(order.unit_id), None,
                      f"{order.get_kind_display()}单{'已超期' if late else '即将到期'}，请尽快书面答复",
                      order.content[:200], f"/escalation/supervision/{order.pk}/",
                      f"supervision:{order.pk}:remind:{day_start:%Y%m%d}")  # fmt: skip
            record("escalation.supervision_reminded", object_type="escalation.supervisionorder",
                   object_repr=f"督办提醒：{len(ids)} 件", after={"ids": ids})  # fmt: skip
            count += len(ids)
    return count


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


__all__ = [name for name in dir() if name.startswith("do_")] + [
    "ACTION_LABELS",
    "OPEN_STATUSES",
    "minutes_docx",
    "remind_due_tasks",
    "remind_open_orders",
]
