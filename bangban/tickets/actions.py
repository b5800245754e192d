"""Every change to a case after intake: routing, deadlines, handling, follow-up, merge (R2.2,
R6.1, R8.3, R12.1).

Each `do_*` function takes keyword-only arguments with `acting_user`, `now` (defaults to the
current time) and `expected_version` (the `version` the user saw; stale → Conflict). It runs in
one transaction, locks the case (`access_ticket(..., for_update=True)`, which also answers
NotFound / PermissionDenied), checks the move against `workflow.TRANSITIONS`, saves the named
fields with `version + 1`, writes exactly one timeline event (which is also the audit event) and
queues the notifications of `notifications.py` in the same transaction (delivered on commit).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from bangban.audit.actions import diff, snapshot
from bangban.core.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from bangban.core.satisfaction import SATISFIED_LEVELS, Satisfaction
from bangban.org.models import Unit

from . import notifications
from .access import access_ticket, check_action
from .deadlines import compute_deadline, policy_for, shift_deadline, suspended_workdays
from .events import add_event
from .models import (
    AssignmentRole,
    Category,
    DeadlineRequest,
    FollowUp,
    FollowUpMethod,
    Reply,
    RequestKind,
    ReviewStatus,
    Ticket,
    TicketAssignment,
    TicketEvent,
    Urgency,
    Visibility,
)
from .workflow import FINAL_STATUSES, OPEN_STATUSES, Action, DeadlineState, Status, check_transition

MAX_TEXT = 2000
MAX_CONTENT = 5000
MAX_EXTENSION_WORKDAYS = 60

# The fields of a case the audit trail compares before and after each action.
TRACKED_FIELDS = [
    "status",
    "lead_unit",
    "handler",
    "urgency",
    "category",
    "multi_unit",
    "dispatched_at",
    "accepted_at",
    "replied_at",
    "closed_at",
    "deadline_start",
    "workdays_allowed",
    "warn_workdays",
    "due_at",
    "warn_at",
    "due_provisional",
    "deadline_state",
    "extensions_used",
    "max_extensions",
    "suspended_at",
    "reopen_count",
    "merged_into",
    "satisfaction",
    "version",
]

# Labels of the audit actions written through `events.add_event` ("ticket.<kind>").
LIFECYCLE_ACTION_LABELS = {
    "ticket.dispatch": "诉求派单",
    "ticket.accept": "诉求签收",
    "ticket.return": "诉求退单",
    "ticket.reassign": "诉求改派",
    "ticket.extension_requested": "申请延期",
    "ticket.suspension_requested": "申请挂起",
    "ticket.extension_approved": "批准延期",
    "ticket.extension_rejected": "驳回延期",
    "ticket.suspend": "诉求挂起",
    "ticket.suspension_rejected": "驳回挂起",
    "ticket.resume": "恢复办理",
    "ticket.note": "办理进展",
    "ticket.comment": "内部意见",
    "ticket.submit_reply": "提交答复",
    "ticket.approve_reply": "审核通过答复",
    "ticket.reject_reply": "退回答复",
    "ticket.follow_up_close": "回访办结",
    "ticket.reopen": "诉求重办",
    "ticket.close_on_spot": "当场办结",
    "ticket.merge": "诉求合并",
    "ticket.merged_in": "并入重复诉求",
    "ticket.withdraw": "诉求撤回",
    "ticket.deadline_sweep": "期限巡检（临期/超期）",
}


# --- helpers ---------------------------------------------------------------------------------


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _check_version(ticket: Ticket, expected_version: int | None) -> None:
    if expected_version is not None and int(expected_version) != ticket.version:
        raise Conflict()


def _lock(acting_user: Any, ticket_id: int | str, action: str, expected_version: int | None) -> Ticket:
    """The case, locked, if the user may see it (NotFound) and saw its current version (Conflict:
    when someone else changed it meanwhile, "refresh" is the useful answer, before any other),
    and may take `action` on it (PermissionDenied)."""
    ticket = access_ticket(acting_user, ticket_id, "view", for_update=True)
    _check_version(ticket, expected_version)
    if action != "view":
        check_action(acting_user, ticket, action)
    return ticket


def _text(value: Any, *, code: str, message: str, max_length: int = MAX_TEXT, required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationFailed(message, code=code)
    if len(text) > max_length:
        raise ValidationFailed(f"内容过长，最多 {max_length} 字", code="too_long")
    return text


def _require_status(ticket: Ticket, allowed: Iterable[Status], doing: str) -> None:
    current = Status(ticket.status)
    if current not in set(allowed):
        raise InvalidTransition(f"诉求当前为“{current.label}”，不能{doing}", code="invalid_transition")


class _Change:
    """Collects one action's change to a case: snapshot before, save with version + 1, one event."""

    def __init__(self, ticket: Ticket, actor: Any, now: dt.datetime) -> None:
        self.ticket = ticket
        self.actor = actor
        self.now = now
        self.from_status = ticket.status
        self.before = snapshot(ticket, fields=TRACKED_FIELDS)

    def save(self, fields: Iterable[str]) -> None:
        self.ticket.version += 1
        self.ticket.save(update_fields=sorted({*fields, "version", "updated_at"}))

    def event(
        self,
        kind: str,
        *,
        note: str = "",
        visibility: str = Visibility.INTERNAL,
        data: dict | None = None,
    ) -> TicketEvent:
        old, new = diff(self.before, snapshot(self.ticket, fields=TRACKED_FIELDS))
        moved = self.ticket.status != self.from_status
        after = dict(new or {})
        if note:
            after["note"] = note[:500]
        if data:
            after["data"] = data
        return add_event(
            self.ticket,
            kind,
            actor=self.actor,
            note=note,
            from_status=self.from_status if moved else "",
            to_status=self.ticket.status if moved else "",
            visibility=visibility,
            data=data,
            audit_before=old or {},
            audit_after=after,
            now=self.now,
        )


def _units(lead_unit_id: Any, co_unit_ids: Iterable[Any]) -> tuple[Unit, list[Unit]]:
    try:
        lead_id = int(lead_unit_id)
        co_ids = list(dict.fromkeys(int(u) for u in co_unit_ids or ()))
    except (TypeError, ValueError):
        raise ValidationFailed("单位编号无效", code="unit_invalid") from None
    if lead_id in co_ids:
        raise ValidationFailed("主办单位不能同时作为协办单位", code="lead_is_co_handler")
    found = Unit.objects.in_bulk([lead_id, *co_ids])
    missing = [i for i in [lead_id, *co_ids] if i not in found or not found[i].is_active]
    if missing:
        names = "、".join(found[i].name if i in found else f"#{i}" for i in missing)
        raise ValidationFailed(f"单位不存在或已停用：{names}", code="unit_inactive")
    return found[lead_id], [found[i] for i in co_ids]


def _assign(ticket: Ticket, lead: Unit, co_units: list[Unit], actor: Any, now: dt.datetime) -> None:
    by = actor if getattr(actor, "pk", None) else None
    TicketAssignment.objects.bulk_create(
        [
            TicketAssignment(
                ticket=ticket, unit=lead, role=AssignmentRole.LEAD, assigned_at=now, assigned_by=by
            )
        ]
        + [
            TicketAssignment(ticket=ticket, unit=u, role=AssignmentRole.CO, assigned_at=now, assigned_by=by)
            for u in co_units
        ]
    )


def _end_assignments(ticket: Ticket, reason: str, now: dt.datetime) -> int:
    return TicketAssignment.objects.filter(ticket=ticket, active=True).update(
        active=False, ended_at=now, end_reason=reason[:200]
    )


def _cancel_pending_requests(ticket: Ticket, actor: Any, comment: str, now: dt.datetime) -> None:
    DeadlineRequest.objects.filter(ticket=ticket, status=ReviewStatus.PENDING).update(
        status=ReviewStatus.REJECTED,
        decided_by=actor if getattr(actor, "pk", None) else None,
        decided_at=now,
        decision_comment=comment[:500],
    )


def _set_deadline(ticket: Ticket, start: dt.datetime, workdays: int, warn_workdays: int) -> list[str]:
    deadline = compute_deadline(start, workdays, warn_workdays)
    ticket.deadline_start = start
    ticket.workdays_allowed = workdays
    ticket.warn_workdays = warn_workdays
    ticket.due_at = deadline.due_at
    ticket.warn_at = deadline.warn_at
    ticket.due_provisional = deadline.provisional
    # The sweeper announces thresholds (临期/超期); a new deadline starts from "normal" so that a
    # threshold it crosses is announced once for this due instant.
    ticket.deadline_state = DeadlineState.NORMAL
    return ["deadline_start", "workdays_allowed", "warn_workdays", "due_at", "warn_at", "due_provisional",
            "deadline_state"]  # fmt: skip


def _shift(ticket: Ticket, workdays: int) -> list[str]:
    if workdays <= 0 or ticket.due_at is None:
        return []
    ticket.due_at, ticket.warn_at, provisional = shift_deadline(ticket.due_at, ticket.warn_at, workdays)
    ticket.due_provisional = ticket.due_provisional or provisional
    ticket.deadline_state = DeadlineState.NORMAL
    return ["due_at", "warn_at", "due_provisional", "deadline_state"]


def _unit_name(unit_id: int | None) -> str:
    if not unit_id:
        return ""
    return Unit.objects.filter(pk=unit_id).values_list("name", flat=True).first() or ""


# --- routing (派单, 签收, 退单, 改派) ----------------------------------------------------------------


def do_dispatch(
    *,
    acting_user: Any,
    ticket_id: int,
    lead_unit_id: int,
    co_unit_ids: Iterable[int] = (),
    urgency: str | None = None,
    category_id: int | None = None,
    note: str = "",
    now: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Ticket:
    """The dispatcher sends the case to one lead unit (主办) and any co-handlers (协办). The first
    dispatch starts the handling deadline from the policy of channel × urgency."""
    now = _now(now)
    from bangban.escalation.hooks import authorize_dispatch

    with transaction.atomic():
        ticket = _lock(acting_user, ticket_id, "view", expected_version)
        # A mayor-channel case under review is dispatched only through its sign-off chain (R8.2).
        if not authorize_dispatch(acting_user, ticket):
            check_action(acting_user, ticket, "dispatch")
        target = check_transition(ticket.status, Action.DISPATCH)
        lead, co_units = _units(lead_unit_id, co_unit_ids)
        note = _text(note, code="note_invalid", message="", required=False)
        change = _Change(ticket, acting_user, now)
        fields = ["status", "lead_unit", "handler", "dispatched_at", "accepted_at"]
        if urgency:
            if urgency not in Urgency.values:
                raise ValidationFailed(
                    "紧急程度无效（应为 urgent / general / complex）", code="urgency_invalid"
                )
            ticket.urgency = urgency
            fields.append("urgency")
        if category_id:
            category = Category.objects.filter(pk=category_id, is_active=True).first()
            if category is None:
                raise ValidationFailed("诉求分类不存在或已停用", code="category_invalid")
            ticket.category = category
            fields.append("category")
        if co_units and not ticket.multi_unit:
            ticket.multi_unit = True
            fields.append("multi_unit")
        first = ticket.deadline_start is None
        if first:
            policy = policy_for(ticket.channel, ticket.urgency)
            fields += _set_deadline(ticket, now, policy.workdays, policy.warn_workdays)
            ticket.max_extensions = policy.max_extensions
            fields.append("max_extensions")
        ticket.status = target
        ticket.lead_unit = lead
        ticket.handler = None
        ticket.dispatched_at = now
        ticket.accepted_at = None
        change.save(fields)
        _assign(ticket, lead, co_units, acting_user, now)
        co_names = "、".join(u.name for u in co_units)
        text = (
            f"派至{lead.name}主办" + (f"，{co_names}协办" if co_names else "") + (f"。{note}" if note else "")
        )
        change.event(
            Action.DISPATCH,
            note=text,
            data={
                "lead_unit_id": lead.pk,
                "co_unit_ids": [u.pk for u in co_units],
                "first_dispatch": first,
                "deadline_reset": first,
            },
        )
        notifications.dispatched(ticket, acting_user, [u.pk for u in co_units])
    return ticket


def do_accept(
    *,
    acting_user: Any,
    ticket_id: int,
    now: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Ticket:
    """A handler (or head) of the lead unit signs for the case (签收) and becomes its handler."""
    now = _now(now)
    with transaction.atomic():
        ticket = _lock(acting_user, ticket_id, "accept", expected_version)
        target = check_transition(ticket.status, Action.ACCEPT)
        change = _Change(ticket, acting_user, now)
        ticket.status = target
        ticket.handler = acting_user
        ticket.accepted_at = now
        change.save(["status", "handler", "accepted_at"])
        unit = _unit_name(ticket.lead_unit_id)
        change.event(Action.ACCEPT, note=f"{unit}已签收，正在办理", visibility=Visibility.PUBLIC)
        notifications.accepted(ticket, acting_user)
    return ticket


def do_return(
    *,
    acting_user: Any,
    ticket_id: int,
    reason: str,
    now: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Ticket:
    """The lead unit returns the case to the dispatcher (退单), with a reason. The deadline of the
    first dispatch is kept: the enterprise's clock does not restart."""
    now = _now(now)
    with transaction.atomic():
        ticket = _lock(acting_user, ticket_id, "return", expected_version)
        target = check_transition(ticket.status, Action.RETURN)
        reason = _text(reason, code="reason_required", message="退单必须填写理由")
        change = _Change(ticket, acting_user, now)
        unit_id = ticket.lead_unit_id
        unit = _unit_name(unit_id)
        paths = notifications.case_paths(ticket)
        _end_assignments(ticket, f"退单：{reason}", now)
        _cancel_pending_requests(ticket, acting_user, "诉求已退单，申请自动失效", now)
        ticket.status = target
        ticket.lead_unit = None
        ticket.handler = None
        ticket.accepted_at = None
        change.save(["status", "lead_unit", "handler", "accepted_at"])
        change.event(Action.RETURN, note=reason, data={"unit_id": unit_id})
        notifications.returned(ticket, acting_user, unit, reason, paths)
    return ticket


def do_reassign(
    *,
    acting_user: Any,
    ticket_id: int,
    lead_unit_id: int,
    co_unit_ids: Iterable[int] = (),
    reason: str,
    now: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Ticket:
    """The dispatcher moves the case to another lead unit (改派). The old assignments are ended with
    the reason and kept as history; the deadline is kept."""
    now = _now(now)
    with transaction.atomic():
        ticket = _lock(acting_user, ticket_id, "reassign", expected_version)
        target = check_transition(ticket.status, Action.REASSIGN)
        reason = _text(reason, code="reason_required", message="改派必须填写理由")
        lead, co_units = _units(lead_unit_id, co_unit_ids)
        change = _Change(ticket, acting_user, now)
        previous_unit, previous_handler = ticket.lead_unit_id, ticket.handler_id
        _end_assignments(ticket, f"改派：{reason}", now)
        _cancel_pending_requests(ticket, acting_user, "诉求已改派，申请自动失效", now)
        _assign(ticket, lead, co_units, acting_user, now)
        ticket.status = target
        ticket.lead_unit = lead
        ticket.handler = None
        ticket.accepted_at = None
        ticket.dispatched_at = now
        fields = ["status", "lead_unit", "handler", "accepted_at", "dispatched_at"]
        if co_units and not ticket.multi_unit:
            ticket.multi_unit = True
            fields.append("multi_unit")
        change.save(fields)
        change.event(
            Action.REASSIGN,
            note=f"由{_unit_name(previous_unit)}改派至{lead.name}：{reason}",
            data={
                "from_unit_id": previous_unit,
                "lead_unit_id": lead.pk,
                "co_unit_ids": [u.pk for u in co_units],
            },
        )
        notifications.reassigned(ticket, acting_user, [u.pk for u in co_units], previous_handler)
    return ticket


# --- deadlines (延期, 挂起, 恢复) -----------------------------------------------------------------


def _request(
    *,
    acting_user: Any,
    ticket_id: int,
    kind: RequestKind,
    reason: str,
    workdays: int | None,
    now: dt.datetime,
    expected_version: int | None,
) -> DeadlineRequest:
    action = "request_extension" if kind == RequestKind.EXTENSION else "request_suspension"
    with transaction.atomic():
        ticket = _lock(acting_user, ticket_id, action, expected_version)
        _require_status(ticket, {Status.IN_PROGRESS}, f"申请{kind.label}")
        reason = _text(
            reason, code="reason_required", message=f"申请{kind.label}必须填写理由", max_length=500
        )
        if kind == RequestKind.EXTENSION:
            if ticket.extensions_used >= ticket.max_extensions:
                raise ValidationFailed(
                    f"本诉求最多可延期 {ticket.max_extensions} 次，已用完，不能再申请延期",
                    code="extension_limit",
                )
            if (
                not isinstance(workdays, int)
                or isinstance(workdays, bool)
                or not 1 <= workdays <= MAX_EXTENSION_WORKDAYS
            ):
                raise ValidationFailed(
                    f"延期天数应为 1–{MAX_EXTENSION_WORKDAYS} 个工作日", code="invalid_workdays"
                )
        if DeadlineRequest.objects.filter(ticket=ticket, kind=kind, status=ReviewStatus.PENDING).exists():
            raise ValidationFailed(f"已有待审批的{kind.label}申请", code="request_pending")
        change = _Change(ticket, acting_user, now)
        request = DeadlineRequest.objects.create(
            ticket=ticket,
            kind=kind,
            reason=reason,
            workdays=workdays if kind == RequestKind.EXTENSION else None,
            requested_by=acting_user,
            requested_at=now,
        )
        change.save([])
        days = f"{workdays} 个工作日，" if kind == RequestKind.EXTENSION else ""
        change.event(
            f"{kind.value}_requested",
            note=f"申请{kind.label}：{days}{reason}",
            data={"request_id": request.pk, "workdays": request.workdays},
        )
        notifications.request_made(ticket, acting_user, str(kind.label), reason)
    return request


def do_request_extension(
    *,
    acting_user: Any,
    ticket_id: int,
    workdays: int,
    reason: str,
    now: dt.datetime | None = None,
    expected_version: int | None = None,
) -> DeadlineRequest:
    """The lead unit asks for N more working days (延期); the dispatcher decides."""
    return _request(
        acting_user=acting_user,
        ticket_id=ticket_id,
        kind=RequestKind.EXTENSION,
        reason=reason,
        workdays=workdays,
        now=_now(now),
        expected_version=expected_version,
    )


def do_request_suspension(
    *,
    acting_user: Any,
    ticket_id: int,
    reason: str,
    now: dt.datetime | None = None,
    expected_version: int | None = None,
) -> DeadlineRequest:
    """The lead unit asks to stop the clock (挂起), e.g. while waiting for the enterprise's papers."""
    return _request(
        acting_user=acting_user,
        ticket_id=ticket_id,
        kind=RequestKind.SUSPENSION,
        reason=reason,
        workdays=None,
        now=_now(now),
        expected_version=expected_version,
    )


def do_decide_request(
    *,
    acting_user: Any,
    request_id: int,
    approve: bool,
    comment: str = "",
    now: dt.datetime | None = None,
    expected_version: int | None = None,
) -> DeadlineRequest:
    """The dispatcher approves or rejects an extension or suspension request. An approved extension
    moves the due and warning instants by its working days; an approved suspension stops the
    clock (status 已挂起)."""
    now = _now(now)
    try:
        pk = int(request_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    ticket_id = DeadlineRequest.objects.filter(pk=pk).values_list("ticket_id", flat=True).first()
    if ticket_id is None:
        raise NotFound()
    with transaction.atomic():
        ticket = _lock(acting_user, ticket_id, "decide_request", expected_version)
        request = DeadlineRequest.objects.select_for_update().get(pk=pk)
        if request.status != ReviewStatus.PENDING:
            raise InvalidTransition("该申请已审批，不能重复处理", code="request_decided")
        comment = _text(comment, code="comment_invalid", message="", max_length=500, required=False)
        kind = RequestKind(request.kind)
        change = _Change(ticket, acting_user, now)
        fields: list[str] = []
        if approve and kind == RequestKind.SUSPENSION:
            ticket.status = check_transition(ticket.status, Action.SUSPEND)
            ticket.suspended_at = now
            fields += ["status", "suspended_at"]
            kind_event, note = Action.SUSPEND.value, f"批准挂起，暂停计时：{request.reason}"
        elif approve:
            _require_status(ticket, OPEN_STATUSES - {Status.PENDING_DISPATCH}, "批准延期")
            if ticket.extensions_used >= ticket.max_extensions:
                raise ValidationFailed(
                    f"本诉求最多可延期 {ticket.max_extensions} 次，已用完", code="extension_limit"
                )
            ticket.extensions_used += 1
            fields += ["extensions_used", *_shift(ticket, request.workdays or 0)]
            due = timezone.localtime(ticket.due_at).strftime("%Y-%m-%d %H:%M") if ticket.due_at else ""
            kind_event, note = (
                "extension_approved",
                f"批准延期 {request.workdays} 个工作日，新的办理期限 {due}",
            )
        else:
            kind_event = f"{kind.value}_rejected"
            note = f"不同意{kind.label}" + (f"：{comment}" if comment else "")
        request.status = ReviewStatus.APPROVED if approve else ReviewStatus.REJECTED
        request.decided_by = acting_user
        request.decided_at = now
        request.decision_comment = comment
        request.save(update_fields=["status", "decided_by", "decided_at", "decision_comment"])
        change.save(fields)
        if approve and comment:
            note = f"{note}（{comment}）"
        change.event(
            kind_event,
            note=note,
            data={"request_id": request.pk, "approved": bool(approve), "workdays": request.workdays},
        )
        notifications.request_decided(
            ticket, acting_user, request.requested_by_id, str(kind.label), bool(approve)
        )
    return request


def do_resume(
    *,
    acting_user: Any,
    ticket_id: int,
    now: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Ticket:
    """End a suspension (the lead unit or a dispatcher): the due and warning instants move by the
    working days spent suspended."""
    now = _now(now)
    with transaction.atomic():
        ticket = _lock(acting_user, ticket_id, "view", expected_version)
        check_action(acting_user, ticket, "resume")
        target = check_transition(ticket.status, Action.RESUME)
        change = _Change(ticket, acting_user, now)
        lost = suspended_workdays(ticket.suspended_at, now) if ticket.suspended_at else 0
        fields = ["status", "suspended_at", *_shift(ticket, lost)]
        ticket.status = target
        ticket.suspended_at = None
        change.save(fields)
        due = timezone.localtime(ticket.due_at).strftime("%Y-%m-%d %H:%M") if ticket.due_at else "无"
        change.event(
            Action.RESUME,
            note=f"恢复办理，挂起期间 {lost} 个工作日不计入办理时限，办理期限 {due}",
            data={"shift_workdays": lost},
        )
        notifications.resumed(ticket, acting_user)
    return ticket


# --- handling (进展, 意见, 答复, 审核) -------------------------------------------------------------


def do_add_note(
    *,
    acting_user: Any,
    ticket_id: int,
    text: str,
    public: bool,
    now: dt.datetime | None = None,
    expected_version: int | None = None,
) -> TicketEvent:
    """A progress note to the enterprise (public: lead unit members) or an internal comment (any
    staff member who can see the case). A note does not change the case, so its version stays."""
    now = _now(now)
    with transaction.atomic():
        ticket = _lock(acting_user, ticket_id, "note" if public else "comment", expected_version)
        text = _text(text, code="text_required", message="请填写内容")
        if public:
            event = add_event(
                ticket, "note", actor=acting_user, note=text, visibility=Visibility.PUBLIC, now=now
            )
            notifications.public_note(ticket, acting_user)
        else:
            event = add_event(
                ticket, "comment", actor=acting_user, note=text, visibility=Visibility.INTERNAL, now=now
            )
    return event


def do_submit_reply(
    *,
    acting_user: Any,
    ticket_id: int,
    content: str,
    now: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Ticket:
    """The lead unit drafts the reply (答复); it goes to the unit head for approval."""
    now = _now(now)
    with transaction.atomic():
        ticket = _lock(acting_user, ticket_id, "submit_reply", expected_version)
        target = check_transition(ticket.status, Action.SUBMIT_REPLY)
        content = _text(content, code="content_required", message="请填写答复内容", max_length=MAX_CONTENT)
        change = _Change(ticket, acting_user, now)
        reply = Reply.objects.create(ticket=ticket, content=content, drafted_by=acting_user, drafted_at=now)
        ticket.status = target
        change.save(["status"])
        change.event(Action.SUBMIT_REPLY, note=content, data={"reply_id": reply.pk})
        notifications.reply_submitted(ticket, acting_user)
    return ticket


def _pending_reply(ticket: Ticket) -> Reply:
    reply = (
        Reply.objects.select_for_update()
        .filter(ticket=ticket, status=ReviewStatus.PENDING)
        .order_by("-drafted_at", "-id")
        .first()
    )
    if reply is None:
        raise InvalidTransition("没有待审核的答复", code="invalid_transition")
    return reply


def do_approve_reply(
    *,
    acting_user: Any,
    ticket_id: int,
    comment: str = "",
    now: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Ticket:
    """The head of the lead unit approves the reply: the enterprise sees it (a public event with the
    reply text) and is told; the case waits for the follow-up (回访)."""
    now = _now(now)
    with transaction.atomic():
        ticket = _lock(acting_user, ticket_id, "approve_reply", expected_version)
        target = check_transition(ticket.status, Action.APPROVE_REPLY)
        comment = _text(comment, code="comment_invalid", message="", max_length=500, required=False)
        reply = _pending_reply(ticket)
        change = _Change(ticket, acting_user, now)
        reply.status = ReviewStatus.APPROVED
        reply.reviewed_by = acting_user
        reply.reviewed_at = now
        reply.review_comment = comment
        reply.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment"])
        ticket.status = target
        ticket.replied_at = now
        change.save(["status", "replied_at"])
        change.event(
            Action.APPROVE_REPLY,
            note=reply.content,
            visibility=Visibility.PUBLIC,
            data={"reply_id": reply.pk, "review_comment": comment},
        )
        notifications.reply_approved(ticket, acting_user, reply.drafted_by_id)
    return ticket


def do_reject_reply(
    *,
    acting_user: Any,
    ticket_id: int,
    comment: str,
    now: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Ticket:
    """The head sends the reply back with a comment; the case is handled again."""
    now = _now(now)
    with transaction.atomic():
        ticket = _lock(acting_user, ticket_id, "reject_reply", expected_version)
        target = check_transition(ticket.status, Action.REJECT_REPLY)
        comment = _text(comment, code="comment_required", message="退回答复必须填写意见", max_length=500)
        reply = _pending_reply(ticket)
        change = _Change(ticket, acting_user, now)
        reply.status = ReviewStatus.REJECTED
        reply.reviewed_by = acting_user
        reply.reviewed_at = now
        reply.review_comment = comment
        reply.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment"])
        ticket.status = target
        change.save(["status"])
        change.event(Action.REJECT_REPLY, note=comment, data={"reply_id": reply.pk})
        notifications.reply_rejected(ticket, acting_user, reply.drafted_by_id, comment)
    return ticket


# --- follow-up and closure (回访, 办结, 重办) -----------------------------------------------------


def do_follow_up(
    *,
    acting_user: Any,
    ticket_id: int,
    resolved: bool,
    satisfaction: int,
    method: str = FollowUpMethod.PHONE,
    comment: str = "",
    now: dt.datetime | None = None,
    expected_version: int | None = None,
    reopen: bool = True,
) -> Ticket:
    """The follow-up of an answered case (回访), by a dispatcher, hotline agent or 营商办, or the
    enterprise's own rating on the portal. Resolved and satisfied (非常满意/满意/基本满意) closes the
    case (办结); unresolved or 不满意/非常不满意 reopens it (重办) at the same lead unit with a fresh
    deadline, counted against the unit. With `reopen=False` (the reopen limit is reached, see
    bangban.ratings) an unresolved follow-up is recorded and the case stays answered, marked for
    escalation (督办) instead of another reopen."""
    now = _now(now)
    with transaction.atomic():
        ticket = _lock(acting_user, ticket_id, "view", expected_version)
        try:
            check_action(acting_user, ticket, "follow_up")
        except PermissionDenied:
            check_action(acting_user, ticket, "rate")
            method = FollowUpMethod.PORTAL
        try:
            level = Satisfaction(int(satisfaction))
        except (TypeError, ValueError):
            raise ValidationFailed(
                "满意度应为 1–5（1 非常满意、2 满意、3 基本满意、4 不满意、5 非常不满意）",
                code="satisfaction_invalid",
            ) from None
        if method not in FollowUpMethod.values:
            raise ValidationFailed("回访方式无效（phone / sms / portal / visit）", code="method_invalid")
        comment = _text(comment, code="comment_invalid", message="", max_length=500, required=False)
        # A follow-up belongs to an answered case; anything else (a second follow-up included) is out of turn.
        closing = check_transition(ticket.status, Action.FOLLOW_UP_CLOSE)
        change = _Change(ticket, acting_user, now)
        FollowUp.objects.create(
            ticket=ticket,
            at=now,
            by=acting_user if getattr(acting_user, "pk", None) else None,
            method=method,
            resolved=bool(resolved),
            satisfaction=level,
            comment=comment,
        )
        ticket.satisfaction = level
        outcome = f"{'已解决' if resolved else '未解决'}，{level.label}"
        said = f"（{comment}）" if comment else ""
        if resolved and level in SATISFIED_LEVELS:
            ticket.status = closing
            ticket.closed_at = now
            change.save(["status", "satisfaction", "closed_at"])
            change.event(
                Action.FOLLOW_UP_CLOSE,
                note=f"回访：{outcome}{said}，诉求办结",
                visibility=Visibility.PUBLIC,
                data={"resolved": bool(resolved), "satisfaction": int(level), "method": method},
            )
            notifications.followed_up(ticket, acting_user, reopened=False)
        elif not reopen:
            change.save(["satisfaction"])
            change.event(
                "follow_up_escalate",
                note=f"回访：{outcome}{said}，重办次数已达上限（{ticket.reopen_count} 次），提请督办",
                data={
                    "resolved": bool(resolved),
                    "satisfaction": int(level),
                    "method": method,
                    "escalation": True,
                    "reopen_count": ticket.reopen_count,
                },
            )
        else:
            ticket.status = check_transition(ticket.status, Action.REOPEN)
            workdays = ticket.workdays_allowed
            warn = ticket.warn_workdays
            if workdays is None:
                policy = policy_for(ticket.channel, ticket.urgency)
                workdays, warn = policy.workdays, policy.warn_workdays
            fields = ["status", "satisfaction", "reopen_count", *_set_deadline(ticket, now, workdays, warn)]
            ticket.reopen_count += 1
            change.save(fields)
            unit = _unit_name(ticket.lead_unit_id)
            change.event(
                Action.REOPEN,
                note=f"回访：{outcome}{said}，诉求重办（计入{unit}第 {ticket.reopen_count} 次重办）",
                visibility=Visibility.PUBLIC,
                data={
                    "resolved": bool(resolved),
                    "satisfaction": int(level),
                    "method": method,
                    "counts_against_unit_id": ticket.lead_unit_id,
                    "reopen_count": ticket.reopen_count,
                    "deadline_reset": True,
                },
            )
            notifications.followed_up(ticket, acting_user, reopened=True)
    return ticket


def do_reopen_after_recheck(
    *,
    acting_user: Any,
    ticket_id: int,
    note: str,
    now: dt.datetime | None = None,
) -> Ticket:
    """回头看 (R6.3, R14.2) found a closed case not really solved (办结不实): reopen it (重办) at its
    lead unit with a fresh deadline, counted against the unit. Who may record the re-check is
    decided by the caller (bangban.ratings.actions)."""
    now = _now(now)
    with transaction.atomic():
        try:
            ticket = Ticket.objects.select_for_update().get(pk=int(ticket_id))
        except (Ticket.DoesNotExist, TypeError, ValueError):
            raise NotFound() from None
        _require_status(ticket, {Status.CLOSED}, "因回头看办结不实重办")
        note = _text(note, code="note_required", message="请填写办结不实的情况", max_length=500)
        change = _Change(ticket, acting_user, now)
        ticket.status = check_transition(ticket.status, Action.REOPEN)
        workdays = ticket.workdays_allowed
        warn = ticket.warn_workdays
        if workdays is None:
            policy = policy_for(ticket.channel, ticket.urgency)
            workdays, warn = policy.workdays, policy.warn_workdays
        fields = ["status", "reopen_count", *_set_deadline(ticket, now, workdays, warn)]
        ticket.reopen_count += 1
        change.save(fields)
        unit = _unit_name(ticket.lead_unit_id)
        change.event(
            Action.REOPEN,
            note=f"回头看：办结不实（{note}），诉求重办（计入{unit}第 {ticket.reopen_count} 次重办）",
            visibility=Visibility.PUBLIC,
            data={
                "recheck": True,
                "counts_against_unit_id": ticket.lead_unit_id,
                "reopen_count": ticket.reopen_count,
                "deadline_reset": True,
            },
        )
        notifications.followed_up(ticket, acting_user, reopened=True)
    return ticket


def do_close_on_spot(
    *,
    acting_user: Any,
    ticket_id: int,
    answer: str,
    now: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Ticket:
    """即知即办 at the window or on the hotline: the case is answered and closed on the spot."""
    now = _now(now)
    with transaction.atomic():
        ticket = _lock(acting_user, ticket_id, "view", expected_version)
        check_action(acting_user, ticket, "close_on_spot")
        target = check_transition(ticket.status, Action.CLOSE_ON_SPOT)
        answer = _text(answer, code="answer_required", message="请填写答复内容", max_length=MAX_CONTENT)
        change = _Change(ticket, acting_user, now)
        Reply.objects.create(
            ticket=ticket,
            content=answer,
            status=ReviewStatus.APPROVED,
            drafted_by=acting_user,
            drafted_at=now,
            reviewed_by=acting_user,
            reviewed_at=now,
            review_comment="即知即办",
        )
        ticket.status = target
        ticket.replied_at = now
        ticket.closed_at = now
        change.save(["status", "replied_at", "closed_at"])
        change.event(Action.CLOSE_ON_SPOT, note=answer, visibility=Visibility.PUBLIC)
        notifications.closed_on_spot(ticket, acting_user)
    return ticket


# --- merge and withdrawal -----------------------------------------------------------------------


def do_merge(
    *,
    acting_user: Any,
    ticket_id: int,
    into_ticket_id: int,
    reason: str,
    now: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Ticket:
    """The dispatcher merges a duplicate into another open case (合并): the duplicate ends as 已合并
    and points at the case that carries on; that case's timeline records the merge."""
    now = _now(now)
    try:
        source_id, target_id = int(ticket_id), int(into_ticket_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    if source_id == target_id:
        raise ValidationFailed("不能把诉求合并到它自己", code="merge_into_self")
    with transaction.atomic():
        # Merging is a dispatcher's right whatever the case's state: refuse others before anything.
        access_ticket(acting_user, source_id, "merge")
        access_ticket(acting_user, target_id)
        # Lock both rows in id order, so two merges of the same pair cannot deadlock.
        locked = (
            Ticket.objects.select_for_update().filter(pk__in=[source_id, target_id]).order_by("pk").in_bulk()
        )
        ticket, target = locked[source_id], locked[target_id]
        _check_version(ticket, expected_version)
        new_status = check_transition(ticket.status, Action.MERGE)
        if target.status in FINAL_STATUSES:
            raise ValidationFailed(
                f"只能合并到未办结的诉求，目标诉求{target.number}当前为“{Status(target.status).label}”",
                code="merge_target_invalid",
            )
        reason = _text(reason, code="reason_required", message="合并必须填写理由", max_length=500)
        change = _Change(ticket, acting_user, now)
        _end_assignments(ticket, f"已合并至{target.number}", now)
        ticket.status = new_status
        ticket.merged_into = target
        fields = ["status", "merged_into"]
        if ticket.duplicate_of_id is None:
            ticket.duplicate_of = target
            fields.append("duplicate_of")
        change.save(fields)
        change.event(
            Action.MERGE,
            note=f"与诉求{target.number}反映的问题相同，已合并办理",
            visibility=Visibility.PUBLIC,
            data={"into_ticket_id": target.pk, "reason": reason},
        )
        add_event(
            target,
            "merged_in",
            actor=acting_user,
            note=f"诉求{ticket.number}已合并至本诉求：{reason}",
            data={"merged_ticket_id": ticket.pk},
            now=now,
        )
        notifications.merged(ticket, acting_user, target)
    return ticket


def do_withdraw(
    *,
    acting_user: Any,
    ticket_id: int,
    reason: str = "",
    now: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Ticket:
    """The submitter or the enterprise withdraws a case before it is dispatched."""
    now = _now(now)
    with transaction.atomic():
        ticket = _lock(acting_user, ticket_id, "withdraw", expected_version)
        target = check_transition(ticket.status, Action.WITHDRAW)
        reason = _text(reason, code="reason_invalid", message="", max_length=500, required=False)
        change = _Change(ticket, acting_user, now)
        ticket.status = target
        ticket.closed_at = now
        change.save(["status", "closed_at"])
        change.event(Action.WITHDRAW, note=reason or "提交人撤回诉求", visibility=Visibility.PUBLIC)
    return ticket


__all__ = [
    "LIFECYCLE_ACTION_LABELS",
    "do_accept",
    "do_add_note",
    "do_approve_reply",
    "do_close_on_spot",
    "do_decide_request",
    "do_dispatch",
    "do_follow_up",
    "do_merge",
    "do_reassign",
    "do_reject_reply",
    "do_request_extension",
    "do_request_suspension",
    "do_resume",
    "do_return",
    "do_submit_reply",
    "do_withdraw",
]
