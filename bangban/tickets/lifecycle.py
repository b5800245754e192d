"""The shared steps of every lifecycle action (`actions_*.py`): locking a case with its version
check, validating text, recording a change as one timeline/audit event, assigning units and
setting or shifting deadlines. The public actions are listed in `actions.py`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from bangban.accounts.models import User
from bangban.audit.actions import diff, snapshot
from bangban.core import kit, rawsql
from bangban.core.errors import InvalidTransition, ValidationFailed
from bangban.org.models import Unit

from .access import access_ticket, check_action
from .deadlines import compute_deadline, policy_for, shift_deadline
from .events import add_event
from .models import (
    AssignmentRole,
    DeadlinePolicy,
    DeadlineRequest,
    ReviewStatus,
    Ticket,
    TicketAssignment,
    TicketEvent,
    Visibility,
)
from .workflow import DeadlineState, Status

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
    "dispatch_due_at",
    "dispatch_state",
    "dispatch_settled_at",
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
    "ticket.shared_reply": "类案统一答复",
    "ticket.follow_up_close": "回访办结",
    "ticket.reopen": "诉求重办",
    "ticket.close_on_spot": "当场办结",
    "ticket.merge": "诉求合并",
    "ticket.merged_in": "并入重复诉求",
    "ticket.withdraw": "诉求撤回",
    "ticket.deadline_sweep": "期限巡检（临期/超期）",
    "ticket.dispatch_clock_sweep": "派单时限巡检（临期/超期）",
    "tickets.dispatch_clock_settings": "修改派单时限",
}


# --- helpers ---------------------------------------------------------------------------------


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _check_version(ticket: Ticket, expected_version: int | None) -> None:
    kit.check_version(ticket, expected_version)


def _lock(acting_user: User, ticket_id: int | str, action: str, expected_version: int | None) -> Ticket:
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
        kit.save_change(self.ticket, fields)

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
    found = _units_by_id([lead_id, *co_ids])
    missing = [i for i in [lead_id, *co_ids] if i not in found or not found[i].is_active]
    if missing:
        names = "、".join(found[i].name if i in found else f"#{i}" for i in missing)
        raise ValidationFailed(f"单位不存在或已停用：{names}", code="unit_inactive")
    return found[lead_id], [found[i] for i in co_ids]


def _units_by_id(ids: list[int]) -> dict[int, Unit]:
    """`Unit.objects.in_bulk(ids)` as one plain statement (every dispatch reads its units)."""
    marks = ", ".join(["%s"] * len(ids))
    sql = f'SELECT {rawsql.columns(Unit, "u")} FROM {rawsql.table(Unit)} "u" WHERE "u"."id" IN ({marks})'
    units = [rawsql.load(Unit, row) for row in rawsql.fetch(Unit, sql, ids)]
    return {u.pk: u for u in units}


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


def _reopen_deadline(ticket: Ticket, now: dt.datetime) -> list[str]:
    """重办: a fresh deadline from the reopen instant by the case's deadline policy (channel ×
    urgency as configured now; the days the case had before if the policy was deleted since), a
    new warning time, the state back to 正常 and a fresh allowance of extensions. `overdue_at` (the
    first time the case went overdue, counted by the monthly 曾超期 figure) is kept."""
    policy = DeadlinePolicy.objects.filter(channel=ticket.channel, urgency=ticket.urgency).first()
    if policy is not None:
        workdays, warn, extensions = policy.workdays, policy.warn_workdays, policy.max_extensions
    elif ticket.workdays_allowed is not None:
        workdays, warn, extensions = ticket.workdays_allowed, ticket.warn_workdays, ticket.max_extensions
    else:
        policy_for(ticket.channel, ticket.urgency)  # raises deadline_rule_missing, naming the pair
        raise AssertionError("unreachable")
    fields = _set_deadline(ticket, now, workdays, warn)
    ticket.extensions_used = 0
    ticket.max_extensions = extensions
    ticket.suspended_at = None
    return [*fields, "extensions_used", "max_extensions", "suspended_at"]


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
