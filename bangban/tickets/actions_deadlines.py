"""Deadlines of a case: 延期 and 挂起 requests, their decisions, 恢复办理 (see `actions.py`)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from bangban.accounts.models import User
from bangban.core.errors import (
    InvalidTransition,
    NotFound,
    ValidationFailed,
)
from bangban.core.kit import durable_action

from . import notifications
from .access import check_action
from .deadlines import suspended_workdays
from .lifecycle import (
    MAX_EXTENSION_WORKDAYS,
    _Change,
    _lock,
    _now,
    _require_status,
    _shift,
    _text,
)
from .models import (
    DeadlineRequest,
    RequestKind,
    ReviewStatus,
    Ticket,
)
from .workflow import OPEN_STATUSES, Action, Status, check_transition

# --- deadlines (延期, 挂起, 恢复) -----------------------------------------------------------------


def _request(
    *,
    acting_user: User,
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
    acting_user: User,
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
    acting_user: User,
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


@durable_action
def do_decide_request(
    *,
    acting_user: User,
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


@durable_action
def do_resume(
    *,
    acting_user: User,
    ticket_id: int,
    now: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Ticket:
    """End a suspension (the lead unit or a dispatcher): the due and warning instants move by the
    working days spent suspended."""
    now = _now(now)
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
