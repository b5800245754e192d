"""Read-side helpers of escalation pages and API: lists with filters, the case panel."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from bangban.accounts.access import has_any_role
from bangban.accounts.models import User
from bangban.accounts.roles import Role
from bangban.core.errors import ApplicationError
from bangban.tickets.access import is_lead_unit_member, visible_tickets
from bangban.tickets.deadlines import policy_for
from bangban.tickets.display import dispatch_badge
from bangban.tickets.models import Channel, Ticket, TicketAssignment, Urgency
from bangban.tickets.workflow import FINAL_STATUSES, Status
from bangban.workdays import service as workdays

from . import access
from .actions import active_tiers, may_dispatch_review, settings_row, vice_mayor_of
from .actions.mayor import URGENCY_ASSESSMENTS
from .models import (
    CaseEscalation,
    DeputyRoute,
    Dispute,
    DisputeStatus,
    EscalationStep,
    MayorReview,
    Meeting,
    MeetingTask,
    ProblemKind,
    ReviewStage,
    SupervisionOrder,
    SupervisionStatus,
    TaskStatus,
    VicePortfolio,
)


def escalated_cases(user: Any, params: Any) -> QuerySet[CaseEscalation]:
    qs = CaseEscalation.objects.filter(ticket__in=visible_tickets(user)).select_related(
        "ticket", "ticket__lead_unit", "tier"
    )
    level = str(params.get("level", "") or "")
    if level.isdigit():
        qs = qs.filter(level=int(level))
    q = str(params.get("q", "") or "").strip()
    if q:
        qs = qs.filter(Q(ticket__number__icontains=q) | Q(ticket__title__icontains=q))
    if params.get("open") == "1":
        qs = qs.exclude(ticket__status__in=[s.value for s in FINAL_STATUSES])
    return qs.order_by("-level", "tier_due_at", "id")


def mayor_cases(user: Any, stage: str = "") -> QuerySet[Ticket]:
    """Mayor-channel cases, newest first; `stage` filters on the review stage ("collected" also
    lists submissions whose review is not opened yet)."""
    qs = visible_tickets(user).filter(channel=Channel.MAYOR).select_related("lead_unit")
    if stage == ReviewStage.COLLECTED:
        qs = qs.filter(Q(mayor_review__isnull=True) | Q(mayor_review__stage=stage)).exclude(
            status__in=[s.value for s in FINAL_STATUSES]
        )
    elif stage in ReviewStage.values:
        qs = qs.filter(mayor_review__stage=stage)
    return qs.order_by("-received_at", "-id")


def deputy_routes(q: str = "") -> QuerySet[DeputyRoute]:
    """The 对口联系副秘书长 table, searched by category (code, name, path) or reviewer name."""
    qs = DeputyRoute.objects.select_related("category", "deputy")
    q = (q or "").strip()
    if q:
        qs = qs.filter(
            Q(category__code__icontains=q)
            | Q(category__name__icontains=q)
            | Q(category__path__icontains=q)
            | Q(deputy__full_name__icontains=q)
            | Q(deputy__username__icontains=q)
        )
    return qs.order_by("category__path", "category__code", "id")


def deputy_candidates() -> QuerySet[Any]:

    return (
        User.objects.filter(is_active=True, roles__code=Role.DEPUTY_SECRETARY_GENERAL)
        .distinct()
        .order_by("full_name", "username")
    )


def mayor_rows(tickets: Any, now: Any = None) -> list[dict[str, Any]]:
    """Rows of the review list, each with the case's review and its dispatch clock badge (审核交办期限,
    shown while the case waits: 正常 / 临期 / 超期 with the time left or over)."""

    now = now or timezone.now()
    tickets = list(tickets)
    reviews = {
        r.ticket_id: r for r in MayorReview.objects.filter(ticket__in=tickets).select_related("deputy")
    }
    return [{"t": t, "review": reviews.get(t.pk), "dbadge": dispatch_badge(t, now)} for t in tickets]


def _signer_is(user: Any, review: MayorReview) -> bool:
    signer = vice_mayor_of(review)
    return signer is None or signer.pk == user.pk


def dispatch_proposal(review: MayorReview, now: dt.datetime) -> dict[str, Any] | None:
    """The deadline the review's urgency assessment proposes for a dispatch at `now` (R8.3):
    urgency, its assessment text, working days and the due time; None before an assessment or
    when the mayor channel has no rule for it."""
    if not review.urgency:
        return None
    try:
        policy = policy_for(Channel.MAYOR, review.urgency)
    except ApplicationError:
        return None
    due = workdays.due(now, policy.workdays)
    return {
        "urgency": review.urgency,
        "assessment": URGENCY_ASSESSMENTS.get(Urgency(review.urgency), ""),
        "workdays": policy.workdays,
        "due_at": due.at,
        "provisional": due.provisional,
    }


def portfolio(q: str = "") -> QuerySet[VicePortfolio]:
    """The 分管市长 portfolio, searched by category (code, name, path) or vice-mayor name."""
    qs = VicePortfolio.objects.select_related("category", "vice_mayor")
    q = (q or "").strip()
    if q:
        qs = qs.filter(
            Q(category__code__icontains=q)
            | Q(category__name__icontains=q)
            | Q(category__path__icontains=q)
            | Q(vice_mayor__full_name__icontains=q)
            | Q(vice_mayor__username__icontains=q)
        )
    return qs.order_by("category__path", "category__code", "id")


def vice_mayor_candidates() -> QuerySet[Any]:
    return User.objects.filter(is_active=True, roles__code=Role.VICE_MAYOR).distinct().order_by("pk")


def mayor_permissions(user: Any, review: MayorReview, ticket: Ticket) -> dict[str, bool]:

    admin = has_any_role(user, {Role.ADMIN})
    open_case = ticket.status not in FINAL_STATUSES
    stage = review.stage
    return {
        "classify": open_case
        and stage == ReviewStage.COLLECTED
        and has_any_role(user, access.MAYOR_STAFF_ROLES),
        "sign": open_case
        and (
            (stage == ReviewStage.DEPUTY and (has_any_role(user, {Role.DEPUTY_SECRETARY_GENERAL}) or admin))
            or (stage == ReviewStage.SECRETARY and (has_any_role(user, {Role.SECRETARY_GENERAL}) or admin))
            or (
                stage == ReviewStage.VICE_MAYOR
                and (admin or (has_any_role(user, {Role.VICE_MAYOR}) and _signer_is(user, review)))
            )
        ),
        "major": review.kind == ProblemKind.MAJOR,
        "consult": open_case
        and stage == ReviewStage.SECRETARY
        and review.kind == ProblemKind.MAJOR
        and has_any_role(user, {Role.SECRETARY_GENERAL, Role.ADMIN}),
        "dispatch": may_dispatch_review(review, ticket) and has_any_role(user, access.MAYOR_STAFF_ROLES),
    }


def case_panel(user: Any, ticket: Ticket) -> dict[str, Any]:
    """Context of the panel shown on the case page: tier and path, mayor review, disputes, 督办."""

    if not access.is_staff(user):
        return {"show": False}
    row = CaseEscalation.objects.filter(ticket=ticket).select_related("tier").first()
    tiers = active_tiers()
    level = row.level if row else 1
    tier = row.tier if row else next((t for t in tiers if t.level == 1), None)
    steps = list(EscalationStep.objects.filter(ticket=ticket).order_by("at", "id"))
    finished = ticket.status in FINAL_STATUSES or ticket.status == Status.REPLIED
    allowed = access.max_escalation_level(user)
    if has_any_role(user, {Role.UNIT_HEAD}) and allowed <= 2 and not is_lead_unit_member(user, ticket):
        allowed = 0
    targets = [t for t in tiers if level < t.level <= allowed]
    review = MayorReview.objects.filter(ticket=ticket).first()
    disputes = list(
        Dispute.objects.filter(ticket=ticket).select_related("unit", "lead_unit").order_by("-raised_at")
    )
    orders = list(
        SupervisionOrder.objects.filter(ticket=ticket)
        .select_related("unit", "issued_by")
        .order_by("-issued_at")
    )
    assigned = bool(
        user.unit_id
        and has_any_role(user, access.UNIT_ROLES)
        and TicketAssignment.objects.filter(ticket=ticket, unit_id=user.unit_id, active=True).exists()
    )
    config = settings_row()
    return {
        "show": True,
        "t": ticket,
        "level": level,
        "tier": tier,
        "tier_due_at": row.tier_due_at if row else ticket.due_at,
        "steps": steps,
        "targets": [] if finished else targets,
        "review": review,
        "special": review is not None or ticket.channel == Channel.MAYOR,
        "disputes": disputes,
        "can_dispute": assigned
        and ticket.status in (Status.DISPATCHED, Status.IN_PROGRESS)
        and not any(d.status == DisputeStatus.PENDING for d in disputes),
        "dispute_window": config.dispute_window_workdays,
        "orders": orders,
        "can_supervise": access.can_supervise(user) and not finished and ticket.lead_unit_id is not None,
        "meetings": list(Meeting.objects.filter(cases=ticket).order_by("-held_at")[:10]),
        "can_organise": access.can_organise_meetings(user) and not finished,
        "meeting_type": (tier.meeting_type if tier is not None and tier.meeting_type else "topic"),
        "now": timezone.now(),
    }


def unit_open_tasks(unit_id: int | None) -> QuerySet[MeetingTask]:
    return MeetingTask.objects.filter(owner_unit_id=unit_id, status=TaskStatus.OPEN)


def open_orders(user: Any) -> QuerySet[SupervisionOrder]:
    """督办: the supervision orders (督办/催办单) the user sees that wait for a written answer — the
    督办 page with 「待答复」 chosen, and the workbench's count."""
    return access.visible_orders(user).filter(status=SupervisionStatus.OPEN)
