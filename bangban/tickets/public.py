"""What the other apps may use of the case system's data: queries over cases, by name.

Apps above `tickets` (escalation, ratings, outreach, network, supervision) read cases through these
functions instead of `Ticket.objects`, so the case system can change how cases are stored and
scoped without hunting for every query in the product (a test, `test_public_surface.py`, fails
when code outside `bangban.tickets` uses `Ticket.objects`). Changes to a case go through
`tickets.actions` (the lifecycle) and the registries of `tickets.guards` and `tickets.rating_hook`;
statuses are named by `tickets.workflow.Status` and its sets (`OPEN_STATUSES`, `FINAL_STATUSES`,
`SET_ASIDE_STATUSES`, `RATEABLE_STATUSES`), never by string literals.

Queries return querysets where the caller narrows or annotates further; what the caller may see is
its own business (`tickets.access.visible_tickets` for a user's scope).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from .display import overdue_condition
from .models import Reply, ReviewStatus, Ticket
from .workflow import OPEN_STATUSES, SET_ASIDE_STATUSES, Status

__all__ = [
    "all_cases",
    "approved_reply",
    "case_by_id",
    "case_by_ref",
    "case_id_for_number",
    "case_status",
    "cases_by_id",
    "cases_in",
    "cases_numbered",
    "cases_received_between",
    "cases_replied_between",
    "closed_cases",
    "counted_cases",
    "lock_case",
    "open_cases",
    "overdue_cases",
    "public_replies",
]


def all_cases() -> QuerySet[Ticket]:
    """Every case, for reports, sweeps and demo data that narrow it themselves."""
    return Ticket.objects.all()


def counted_cases() -> QuerySet[Ticket]:
    """Every case the figures count: not merged into another, not withdrawn."""
    return Ticket.objects.exclude(status__in=sorted(SET_ASIDE_STATUSES))


def closed_cases() -> QuerySet[Ticket]:
    """The cases handled to the end (已办结), oldest closing first: their final category and lead
    unit are what routing suggestions learn from."""
    return Ticket.objects.filter(status=Status.CLOSED, closed_at__isnull=False).order_by("closed_at", "pk")


def open_cases() -> QuerySet[Ticket]:
    """The cases not yet answered or set aside (`OPEN_STATUSES`)."""
    return Ticket.objects.filter(status__in=sorted(OPEN_STATUSES))


def overdue_cases(now: dt.datetime) -> QuerySet[Ticket]:
    """The cases 超期 at `now` (`display.overdue_condition`, the lists' 超期 filter)."""
    return Ticket.objects.filter(overdue_condition(now))


def public_replies(ids: Iterable[Any]) -> dict[int, str]:
    """{case id: its latest approved reply (答复, as the enterprise sees it)} for these cases."""
    rows = (
        Reply.objects.filter(ticket_id__in=list(ids), status=ReviewStatus.APPROVED)
        .order_by("ticket_id", "reviewed_at", "id")
        .values_list("ticket_id", "content")
    )
    return dict(rows)  # the latest of each case comes last


def cases_in(ids: Iterable[Any]) -> QuerySet[Ticket]:
    """The cases with these ids."""
    return Ticket.objects.filter(pk__in=list(ids))


def cases_numbered(numbers: Iterable[str]) -> QuerySet[Ticket]:
    """The cases with these numbers (QY-…)."""
    return Ticket.objects.filter(number__in=list(numbers))


def cases_by_id(ids: Iterable[Any]) -> dict[Any, Ticket]:
    """{id: case} for the ids that exist."""
    return Ticket.objects.in_bulk(list(ids))


def cases_received_between(start: dt.datetime, end: dt.datetime) -> QuerySet[Ticket]:
    """The cases received in [start, end)."""
    return Ticket.objects.filter(received_at__gte=start, received_at__lt=end)


def cases_replied_between(start: dt.datetime, end: dt.datetime) -> QuerySet[Ticket]:
    """The cases answered (答复) in [start, end)."""
    return Ticket.objects.filter(replied_at__gte=start, replied_at__lt=end)


def case_by_id(ticket_id: Any) -> Ticket | None:
    """The case with this id, or None (also for an id that is not a number)."""
    try:
        return Ticket.objects.filter(pk=int(ticket_id)).first()
    except (TypeError, ValueError):
        return None


def case_by_ref(ref: Any) -> Ticket | None:
    """The case named by its id or its number, or None."""
    return case_by_id(ref) or Ticket.objects.filter(number=str(ref)).first()


def case_id_for_number(number: str) -> int | None:
    """The id of the case with this number, or None."""
    return Ticket.objects.filter(number=number).values_list("pk", flat=True).first()


def case_status(ticket_id: Any) -> str | None:
    """The case's status (a `workflow.Status` value), or None when there is no such case."""
    return Ticket.objects.filter(pk=ticket_id).values_list("status", flat=True).first()


def lock_case(ticket_id: Any) -> Ticket | None:
    """The case locked for the caller's transaction (`select_for_update`), or None."""
    try:
        return Ticket.objects.select_for_update().filter(pk=int(ticket_id)).first()
    except (TypeError, ValueError):
        return None


def approved_reply(ticket_id: Any) -> Reply | None:
    """The case's latest approved reply (答复) with its files — what the follow-up (回访) checks: its
    result, text and files, and its contact record (internal: for staff pages only)."""
    return (
        Reply.objects.filter(ticket_id=ticket_id, status=ReviewStatus.APPROVED)
        .select_related("drafted_by", "reviewed_by")
        .prefetch_related("attachments")
        .order_by("-reviewed_at", "-id")
        .first()
    )
