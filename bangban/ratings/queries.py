"""Reads of ratings that are more than a scoped list: the case ratings suspected of having been
given in breach of the rules (评价核查), which 营商办 reviews and voids."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet

from bangban.accounts.access import has_any_role
from bangban.tickets.access import visible_tickets
from bangban.tickets.models import Ticket, TicketAssignment
from bangban.tickets.workflow import Status

from .access import FOLLOW_UP_ROLES
from .models import Rating, RatingChannel, SubjectKind

REASONS = {
    "qr": "经已停用的诉求二维码评价",
    "own_unit": "评价人属于承办该诉求的单位",
}


def suspicious_case_ratings(
    *, reason: str = "", state: str = "open", unit_id: Any = None
) -> QuerySet[Rating]:
    """Case ratings given through the removed case QR channel, or whose rater (the logged-in session
    that gave the rating, kept even for an anonymous rating) belongs to the case's lead unit or to
    any unit ever assigned to it (主办 or 协办). Annotated `via_qr` and `by_handler`.

    `reason`: "qr" / "own_unit" / "" (both); `state`: "open" (not voided), "voided" or "all"."""

    assigned = TicketAssignment.objects.filter(
        ticket_id=OuterRef("subject__ticket_id"), unit_id=OuterRef("rater__unit_id")
    )
    by_handler = Q(rater__unit_id__isnull=False) & (
        Q(rater__unit_id=F("subject__ticket__lead_unit_id")) | Q(Exists(assigned))
    )
    via_qr = Q(channel=RatingChannel.QR)
    qs = (
        Rating.objects.filter(subject__kind=SubjectKind.CASE)
        .annotate(via_qr=via_qr, by_handler=by_handler)
        .select_related("unit", "rater", "rater__unit", "subject__ticket", "voided_by")
        .order_by("-created_at", "-id")
    )
    if reason == "qr":
        qs = qs.filter(via_qr)
    elif reason == "own_unit":
        qs = qs.filter(by_handler)
    else:
        qs = qs.filter(via_qr | by_handler)
    if state == "open":
        qs = qs.filter(voided_at__isnull=True)
    elif state == "voided":
        qs = qs.filter(voided_at__isnull=False)
    if unit_id not in (None, ""):
        try:
            qs = qs.filter(unit_id=int(unit_id))
        except (TypeError, ValueError):
            return qs.none()
    return qs


def follow_up_queue(user: Any) -> QuerySet[Ticket]:
    """待回访: the answered cases the user may follow up (热线坐席, 派单员, 营商办), oldest answer
    first — the 回访 page's list and the workbench's count."""
    cases = visible_tickets(user)
    if not has_any_role(user, FOLLOW_UP_ROLES):
        return cases.none()
    return cases.filter(status=Status.REPLIED).select_related("lead_unit").order_by("replied_at", "id")
