"""Reads of the case system: the work lists (dispatcher queue, unit queue, all cases, 我的诉求), the
case page and the Excel export. Every list starts from what `access` lets the user see, is
narrowed by `filters.TicketFilter`, and names its relations so a page costs the same number of
queries whatever its size.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import connections
from django.db.models import Case, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When

from bangban.accounts.access import has_any_role
from bangban.accounts.roles import CITY_WIDE_ROLES, STAFF_ROLES, Role
from bangban.core.related import with_related
from bangban.org.models import Unit

from . import replies
from .access import UNIT_ROLES, visible_tickets
from .filters import TicketFilter
from .guards import queue_flags
from .models import (
    AssignmentRole,
    Attachment,
    DeadlineRequest,
    FollowUp,
    Reply,
    ReviewStatus,
    Ticket,
    TicketAssignment,
    TicketEvent,
    Visibility,
)
from .workflow import OPEN_STATUSES, Action, Status

LIST_RELATED = ("lead_unit", "enterprise", "category", "handler")
QUEUES = ("dispatch", "unit", "all", "mine")
QUEUE_NAMES = {"dispatch": "待派单", "unit": "待办诉求", "all": "全部诉求", "mine": "我的诉求"}


def is_staff_viewer(user: Any) -> bool:
    """People inside government see internal events, draft replies and internal attachments;
    enterprises, volunteers and anyone without a staff role see only what is public."""
    return bool(getattr(user, "is_superuser", False) or has_any_role(user, STAFF_ROLES))


def can_use_dispatch_queue(user: Any) -> bool:
    return has_any_role(user, {Role.DISPATCHER, Role.ADMIN})


def can_use_unit_queue(user: Any) -> bool:
    return bool(user.unit_id) and has_any_role(user, UNIT_ROLES)


def can_use_all_cases(user: Any) -> bool:
    """City-wide roles and dispatchers (a county dispatcher sees the county's cases)."""

    return has_any_role(user, CITY_WIDE_ROLES | {Role.DISPATCHER})


def can_use_mine(user: Any) -> bool:
    return has_any_role(user, {Role.ENTERPRISE})


# Sorted, so the SQL text of the expression is the same in every process (a frozenset's order
# changes with hash randomisation, and with it the statement the database has to plan).
_OPEN_VALUES = sorted(str(s) for s in OPEN_STATUSES)


def open_first() -> Case:
    return Case(When(status__in=_OPEN_VALUES, then=Value(0)), default=Value(1), output_field=IntegerField())


class PagedById:
    """A sorted list paged in two steps: the page's ids first — from a query that reads only the
    sort keys and the filtered columns, which an index can answer without visiting each case —
    then those cases with their relations. `ids` yields tuples whose first item is the id.
    Quacks like the sequence `django.core.paginator.Paginator` expects.

    With `window` (the same ids unordered, and their ORDER BY by column position) and the page
    announced through `expect()`, the count comes with the page's ids from one statement
    (`COUNT(*) OVER ()`): the database reads the matching index entries once instead of twice."""

    ordered = True  # what Paginator checks before it warns about an unordered list

    def __init__(
        self, ids: QuerySet[Any], rows: QuerySet[Ticket], *, window: tuple[QuerySet[Any], str] | None = None
    ) -> None:
        self.ids = ids
        self.rows = rows
        self.window = window
        self._expected: tuple[int, int] | None = None
        self._loaded: tuple[int, list[int], int | None] | None = None

    def expect(self, start: int, size: int) -> None:
        self._expected = (max(start, 0), max(size, 1))

    def _load(self, start: int, size: int) -> None:
        assert self.window is not None
        unordered, order_by = self.window
        sql, params = unordered.query.get_compiler(using=unordered.db).as_sql()
        statement = f"SELECT u.*, COUNT(*) OVER () FROM ({sql}) u ORDER BY {order_by} LIMIT %s OFFSET %s"
        with connections[unordered.db].cursor() as cursor:
            cursor.execute(statement, [*params, size, start])
            found = cursor.fetchall()
        total = found[0][-1] if found else (0 if start == 0 else None)
        self._loaded = (start, [row[0] for row in found], total)

    def count(self) -> int:
        if self.window is not None and self._expected is not None and self._loaded is None:
            self._load(*self._expected)
        if self._loaded is not None and self._loaded[2] is not None:
            return int(self._loaded[2])
        return self.ids.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item: slice) -> list[Ticket]:
        if not isinstance(item, slice):
            raise TypeError("PagedById supports slices only")
        start, stop = item.start or 0, item.stop
        if self._loaded is not None and self._loaded[0] == start and stop is not None:
            ids = self._loaded[1][: stop - start]
        elif self.window is not None and stop is not None:
            self._load(start, stop - start)
            assert self._loaded is not None
            ids = self._loaded[1]
        else:
            ids = [row[0] for row in self.ids[item]]
        if not ids:
            return []
        by_id = {t.pk: t for t in self.rows.filter(pk__in=ids)}
        return [by_id[pk] for pk in ids if pk in by_id]


# --- the work lists -------------------------------------------------------------------------------


def co_handled_ids(user: Any) -> list[int]:
    """The cases the user's unit co-handles (协办) now. Read apart so the unit queue's condition is
    two index lookups (lead unit, id list) rather than a join repeated for every case."""
    if not user.unit_id:
        return []
    return list(
        TicketAssignment.objects.filter(unit_id=user.unit_id, role=AssignmentRole.CO, active=True)
        .order_by()
        .values_list("ticket_id", flat=True)
        .distinct()
    )


def unit_cases(user: Any, co_ids: list[int] | None = None) -> QuerySet[Ticket]:
    """Cases the user's unit leads or co-handles. Always a subset of `visible_tickets(user)`:
    handlers and unit heads see every case their unit leads or is assigned to, so the unit queue
    skips the general visibility subquery (the costly part on a million cases)."""
    if not can_use_unit_queue(user):
        return Ticket.objects.none()
    ids = co_handled_ids(user) if co_ids is None else co_ids
    condition = Q(lead_unit_id=user.unit_id)
    if ids:
        condition |= Q(pk__in=ids)
    return Ticket.objects.filter(condition)


def unit_queue(filters: TicketFilter, co_ids: list[int] | None = None) -> QuerySet[Ticket]:
    """「待办诉求」: the unit's open cases only (a case replied, closed, merged or withdrawn has left
    the to-do list), by due date (overdue first, no deadline last), newest first. The sort keys
    (status, due date, id) all sit in the `ticket_unit_queue` index."""
    qs = filters.filter(unit_cases(filters.user, co_ids).filter(status__in=_OPEN_VALUES))
    return qs.select_related(*LIST_RELATED).order_by(open_first(), F("due_at").asc(nulls_last=True), "-id")


def co_handled(user: Any) -> QuerySet[Any]:
    """The ids of the cases the user's unit co-handles now, as a subquery (`assignment_co_active`
    answers it from the index alone)."""
    return TicketAssignment.objects.filter(unit_id=user.unit_id, role=AssignmentRole.CO, active=True).values(
        "ticket_id"
    )


def unit_queue_page(filters: TicketFilter, related: tuple[str, ...] = LIST_RELATED) -> PagedById:
    """The unit queue for a page view, in the order of `unit_queue`. The cases the unit leads and
    those it co-handles are read as the two parts of a UNION ALL rather than one OR: each part is
    then an index-only scan (`ticket_unit_queue` for the first; `assignment_co_active` and the
    primary key for the second), where an OR makes the database visit every case of the unit."""
    user = filters.user
    if not can_use_unit_queue(user):
        return PagedById(Ticket.objects.none().values_list("pk"), Ticket.objects.none())
    lead = filters.filter(Ticket.objects.filter(lead_unit_id=user.unit_id, status__in=_OPEN_VALUES))
    co = filters.filter(
        Ticket.objects.filter(pk__in=co_handled(user), status__in=_OPEN_VALUES).exclude(
            lead_unit_id=user.unit_id
        )
    )
    keyed = [p.order_by().annotate(rank=open_first()).values_list("pk", "rank", "due_at") for p in (lead, co)]
    union = keyed[0].union(keyed[1], all=True)
    ordered = union.order_by("rank", F("due_at").asc(nulls_last=True), "-pk")
    # The same order by column position (pk, rank, due_at) for the one-statement page.
    return PagedById(
        ordered, with_related(Ticket.objects.all(), related), window=(union, "2, 3 NULLS LAST, 1 DESC")
    )


def dispatch_queue(filters: TicketFilter) -> QuerySet[Ticket]:
    """Cases waiting for a dispatcher: new ones and those a unit returned (with the last reason).
    The flags registered in `guards` are annotated on each row (the escalation app adds
    `under_mayor_review`: mayor-channel cases that only the review flow dispatches)."""

    returns = TicketEvent.objects.filter(ticket=OuterRef("pk"), kind=Action.RETURN).order_by("-at", "-id")
    qs = (
        _pending(filters)
        .annotate(
            return_reason=Subquery(returns.values("note")[:1]),
            return_unit=Subquery(returns.values("actor_unit__name")[:1]),
            **queue_flags(),
        )
        .order_by(*_dispatch_order(filters))
    )
    return with_related(qs, (*LIST_RELATED, "suggested_unit", "duplicate_of", "region"))


def _pending(filters: TicketFilter) -> QuerySet[Ticket]:
    return filters.filter(visible_tickets(filters.user).filter(status=Status.PENDING_DISPATCH))


def _dispatch_order(filters: TicketFilter) -> list[Any]:
    if filters.cleaned.get("sort") == "dispatch_due":
        return [
            F("dispatch_due_at").asc(nulls_last=True),
            F("due_at").asc(nulls_last=True),
            "received_at",
            "id",
        ]
    return [F("due_at").asc(nulls_last=True), "received_at", "id"]


def _dispatch_key(filters: TicketFilter, row: tuple[Any, ...]) -> tuple[Any, ...]:
    """The sort key `_dispatch_order` gives a (pk, due_at, received_at, dispatch_due_at) row, in
    Python (a missing date sorts last, as NULLS LAST does)."""
    pk, due_at, received_at, dispatch_due_at = row
    key: tuple[Any, ...] = (due_at is None, due_at or _EPOCH, received_at, pk)
    if filters.cleaned.get("sort") == "dispatch_due":
        key = (dispatch_due_at is None, dispatch_due_at or _EPOCH, *key)
    return key


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def dispatch_counts(filters: TicketFilter) -> dict[str, int]:
    """The numbers of the dispatch page's header, for the page to refresh them in place: cases
    waiting (with the page's filters), those of them in the mayor's review, and the user's cases
    past the dispatch clock (unfiltered, as the page shows it)."""
    qs = _pending(filters)
    flags = queue_flags()
    # (the flag is registered by bangban.escalation in `guards`, unknown to the type checker)
    review = {"under_mayor_review": True}
    under_review = qs.annotate(**flags).filter(**review).count() if "under_mayor_review" in flags else 0
    return {
        "pending": qs.count(),
        "under_review": under_review,
        "dispatch_overdue": dispatch_overdue_count(filters.user, filters.now),
    }


@dataclass(frozen=True)
class QueueNeighbours:
    """Where a case stands in the dispatch queue (with the queue's filters): the case before and
    after it, its place (None when it has left the queue) and the queue's length."""

    previous_id: int | None
    next_id: int | None
    position: int | None
    total: int


def dispatch_neighbours(filters: TicketFilter, ticket: Ticket) -> QueueNeighbours:
    """The case before and after `ticket` in the dispatch queue's order. A case that has left the
    queue (just dispatched from its page) is placed where it stood: its key as it was while it
    waited — a first dispatch set its deadline, so it waited without one."""
    rows = list(
        _pending(filters)
        .order_by(*_dispatch_order(filters))
        .values_list("pk", "due_at", "received_at", "dispatch_due_at")
    )
    ids = [row[0] for row in rows]
    if ticket.pk in ids:
        i = ids.index(ticket.pk)
        return QueueNeighbours(
            ids[i - 1] if i > 0 else None, ids[i + 1] if i + 1 < len(ids) else None, i + 1, len(ids)
        )
    first_dispatch = ticket.deadline_start is not None and ticket.deadline_start == ticket.dispatched_at
    due_at = None if first_dispatch else ticket.due_at
    key = _dispatch_key(filters, (ticket.pk, due_at, ticket.received_at, ticket.dispatch_due_at))
    after = next((i for i, row in enumerate(rows) if _dispatch_key(filters, row) > key), len(rows))
    return QueueNeighbours(
        ids[after - 1] if after > 0 else None, ids[after] if after < len(ids) else None, None, len(ids)
    )


def dispatch_overdue_count(user: Any, now: dt.datetime) -> int:
    """How many cases the user can see wait for their first dispatch past the dispatch clock."""
    return (
        visible_tickets(user)
        .filter(
            status=Status.PENDING_DISPATCH,
            dispatch_settled_at__isnull=True,
            dispatch_due_at__isnull=False,
            dispatch_due_at__lte=now,
        )
        .count()
    )


def pending_requests(user: Any) -> QuerySet[DeadlineRequest]:
    """Extension and suspension requests the dispatcher has to decide."""
    return (
        DeadlineRequest.objects.filter(
            status=ReviewStatus.PENDING, ticket__in=visible_tickets(user).values("pk")
        )
        .select_related("ticket", "ticket__lead_unit", "requested_by")
        .order_by("requested_at", "id")
    )


def all_cases(filters: TicketFilter) -> QuerySet[Ticket]:
    return (
        filters.filter(visible_tickets(filters.user))
        .select_related(*LIST_RELATED)
        .order_by("-received_at", "-id")
    )


def my_cases(filters: TicketFilter) -> QuerySet[Ticket]:
    """The enterprise's cases (and any the user filed), newest first, with the approved reply."""
    approved = (
        Reply.objects.filter(status=ReviewStatus.APPROVED)
        .order_by("-reviewed_at", "-id")
        .prefetch_related(
            Prefetch("attachments", queryset=Attachment.objects.filter(visibility=Visibility.PUBLIC))
        )
    )
    return (
        filters.filter(visible_tickets(filters.user))
        .select_related("lead_unit", "category", "enterprise")
        .prefetch_related(Prefetch("replies", queryset=approved, to_attr="approved_replies"))
        .order_by("-received_at", "-id")
    )


def queue_page(name: str, filters: TicketFilter, related: tuple[str, ...] = LIST_RELATED) -> Any:
    """A list to page through (`count()` and slices): the unit queue through `unit_queue_page`,
    the others as querysets with `related` joined."""
    if name == "unit":
        return unit_queue_page(filters, related)
    return with_related(queue_queryset(name, filters), related)


def queue_queryset(name: str, filters: TicketFilter) -> QuerySet[Ticket]:
    if name == "dispatch":
        return dispatch_queue(filters) if can_use_dispatch_queue(filters.user) else Ticket.objects.none()
    if name == "unit":
        return unit_queue(filters)
    if name == "mine":
        return my_cases(filters)
    return all_cases(filters)


# --- one case -------------------------------------------------------------------------------------


@dataclass
class CasePage:
    ticket: Ticket
    staff: bool
    events: list[TicketEvent]
    replies: list[Reply]
    attachments: list[Attachment]
    co_units: list[Any]
    assignments: list[TicketAssignment]
    follow_ups: list[FollowUp]
    requests: list[DeadlineRequest]
    duplicates: list[Ticket] = field(default_factory=list)
    merged: list[Ticket] = field(default_factory=list)

    @property
    def approved_reply(self) -> Reply | None:
        approved = [r for r in self.replies if r.status == ReviewStatus.APPROVED]
        return approved[-1] if approved else None

    @property
    def pending_reply(self) -> Reply | None:
        pending = [r for r in self.replies if r.status == ReviewStatus.PENDING]
        return pending[-1] if pending else None

    @property
    def pending_kinds(self) -> set[str]:
        return {r.kind for r in self.requests if r.status == ReviewStatus.PENDING}


def case_page(user: Any, ticket: Ticket) -> CasePage:
    """Everything the case page shows, already cut to what this user may see (enterprises: public
    events, approved replies and public attachments only — a reply's files are public once the
    reply is approved; the contact record of a reply is the template's and the API's to leave out)."""
    ticket = with_related(
        Ticket.objects.all(),
        (
            "lead_unit",
            "enterprise",
            "category",
            "handler",
            "region",
            "suggested_unit",
            "intake_unit",
            "submitter",
            "created_by",
            "duplicate_of",
            "merged_into",
        ),
    ).get(pk=ticket.pk)
    staff = is_staff_viewer(user)
    events = TicketEvent.objects.filter(ticket=ticket).select_related("actor_unit")
    replies = Reply.objects.filter(ticket=ticket).select_related("drafted_by", "reviewed_by")
    # The case's own files; a reply's files are shown with the reply.
    attachments = Attachment.objects.filter(ticket=ticket, reply__isnull=True)
    reply_files = Attachment.objects.order_by("uploaded_at", "id")
    if not staff:
        events = events.filter(visibility=Visibility.PUBLIC)
        replies = replies.filter(status=ReviewStatus.APPROVED)
        attachments = attachments.filter(visibility=Visibility.PUBLIC)
        reply_files = reply_files.filter(visibility=Visibility.PUBLIC)
    replies = replies.prefetch_related(Prefetch("attachments", queryset=reply_files))
    assignments = list(
        TicketAssignment.objects.filter(ticket=ticket)
        .select_related("unit", "assigned_by")
        .order_by("assigned_at", "id")
    )
    linked = _linked_cases(user, ticket)
    return CasePage(
        ticket=ticket,
        staff=staff,
        events=list(events.order_by("at", "id")),
        replies=list(replies.order_by("drafted_at", "id")),
        attachments=list(attachments),
        co_units=[a.unit for a in assignments if a.role == AssignmentRole.CO and a.active],
        assignments=assignments if staff else [],
        follow_ups=list(FollowUp.objects.filter(ticket=ticket).select_related("by")) if staff else [],
        requests=list(
            DeadlineRequest.objects.filter(ticket=ticket).select_related("requested_by", "decided_by")
        )
        if staff
        else [],
        duplicates=[t for t in linked if t.duplicate_of_id == ticket.pk],
        merged=[t for t in linked if t.merged_into_id == ticket.pk],
    )


def _linked_cases(user: Any, ticket: Ticket) -> list[Ticket]:
    """The cases marked as repeats of `ticket` or merged into it that `user` may see, newest
    first. Most cases have none, so the scope is asked only of the few found."""
    linked = list(
        Ticket.objects.filter(Q(duplicate_of=ticket) | Q(merged_into=ticket))
        .only("id", "number", "title", "status", "duplicate_of_id", "merged_into_id")
        .order_by("-received_at", "-id")
    )
    if not linked:
        return []
    allowed = set(visible_tickets(user).filter(pk__in=[t.pk for t in linked]).values_list("pk", flat=True))
    return [t for t in linked if t.pk in allowed]


def case_events(user: Any, ticket: Ticket) -> QuerySet[TicketEvent]:
    events = TicketEvent.objects.filter(ticket=ticket).select_related("actor_unit").order_by("at", "id")
    if not is_staff_viewer(user):
        events = events.filter(visibility=Visibility.PUBLIC)
    return events


def dispatch_targets() -> QuerySet[Any]:
    """Units a dispatcher may route to, for the dispatch form."""

    return (
        Unit.objects.filter(is_active=True).select_related("region").order_by("region__path", "type", "name")
    )


def returned_reply(ticket: Ticket) -> Reply | None:
    """The case's latest reply when the head sent it back (退回修改) and none was submitted since:
    the reply form starts from it (`replies.returned_reply`)."""
    return replies.returned_reply(ticket)
