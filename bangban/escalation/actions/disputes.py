"""Disputes of a dispatch (职责异议, R6.2) and the 专班's binding decision."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from bangban.accounts.access import has_any_role, unit_name
from bangban.accounts.models import User
from bangban.accounts.roles import Role
from bangban.core import kit
from bangban.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from bangban.core.kit import durable_action
from bangban.tickets import actions as ticket_actions
from bangban.tickets.access import access_ticket
from bangban.tickets.events import add_event
from bangban.tickets.guards import ReviewSignOff
from bangban.tickets.models import TicketAssignment
from bangban.tickets.notifications import case_link, unit_members
from bangban.tickets.public import lock_case
from bangban.tickets.workflow import Status
from bangban.workdays.service import due, workdays_between

from .. import access, workflow
from ..models import Dispute, DisputeStatus, MeetingType
from ._common import _now, _tell, _text, _unit, role_users
from .tiers import settings_row


@durable_action
def do_raise_dispute(
    *, acting_user: User, ticket_id: int, reason: str, now: dt.datetime | None = None
) -> Dispute:
    """A unit assigned to the case disputes the dispatch, within the time limit after receiving it."""
    now = _now(now)
    config = settings_row()
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
        note=f"{unit_name(acting_user)}对派单提出职责异议：{reason}",
        data={"dispute_id": dispute.pk, "unit_id": acting_user.unit_id},
        audit_after={"dispute": dispute.pk, "unit": acting_user.unit_id, "reason": reason[:200]},
        now=now,
    )
    _tell(role_users(Role.DISPATCHER), acting_user, f"职责异议待认定：{ticket.number}",
          f"{unit_name(acting_user)}对诉求{ticket.number}提出职责异议：{reason[:100]}。请专班于"
          f" {timezone.localtime(dispute.decide_due_at):%Y-%m-%d} 前认定。",
          f"/escalation/disputes/{dispute.pk}/", f"dispute:{dispute.pk}")  # fmt: skip
    return dispute


@durable_action
def do_decide_dispute(
    *,
    acting_user: User,
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
    dispute = kit.lock(access.visible_disputes(acting_user), dispute_id)
    decided = workflow.DISPUTE.check(dispute.status, "decide", message="该异议已认定", code="dispute_decided")
    decision = _text(decision, code="decision_required", message="请填写认定意见")
    if lead_unit_id in (None, ""):
        raise ValidationFailed("请指定主办单位", code="lead_unit_required")
    lead = _unit(lead_unit_id)
    co = [_unit(u) for u in dict.fromkeys(co_unit_ids or ()) if str(u) != str(lead.pk)]
    meeting = None
    if meeting_id not in (None, ""):
        meeting = access.visible_meetings(acting_user).filter(pk=meeting_id, type=MeetingType.JOINT).first()
        if meeting is None:
            raise ValidationFailed("所选联席会议不存在", code="meeting_invalid")
    ticket = lock_case(dispute.ticket_id)
    if ticket is None:
        raise NotFound()
    reason = f"专班认定：{decision}"[:500]
    current = set(TicketAssignment.objects.filter(ticket=ticket, active=True).values_list("unit_id", "role"))
    wanted = {(lead.pk, "lead"), *((u.pk, "co") for u in co)}
    if ticket.status in (Status.DISPATCHED, Status.IN_PROGRESS) and current != wanted:
        ticket_actions.do_reassign.inner(
            acting_user=acting_user,
            ticket_id=ticket.pk,
            lead_unit_id=lead.pk,
            co_unit_ids=[u.pk for u in co],
            reason=reason,
            now=now,
        )
    elif ticket.status == Status.PENDING_DISPATCH:
        ticket_actions.do_dispatch.inner(
            acting_user=acting_user,
            ticket_id=ticket.pk,
            lead_unit_id=lead.pk,
            co_unit_ids=[u.pk for u in co],
            note=reason,
            now=now,
            authorised_by=ReviewSignOff("dispute", ticket.pk),
        )
    dispute.status, dispute.decision, dispute.lead_unit = decided, decision, lead
    dispute.decided_by, dispute.decided_at, dispute.meeting = acting_user, now, meeting
    kit.save_change(
        dispute, ["status", "decision", "lead_unit", "decided_by", "decided_at", "meeting"], bump=False
    )
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
