"""Monthly counts per unit for the monthly reports (R11.1, R14): supervision orders, meeting tasks,
escalations and disputes. Pure: reads only, writes nothing."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Count, F, Q

from bangban.workdays.arithmetic import SHANGHAI

from .models import Dispute, EscalationStep, MeetingTask, SupervisionOrder, SupervisionStatus, TaskStatus

FIELDS = (
    "supervision_issued",
    "supervision_answered",
    "supervision_answered_late",
    "supervision_open_overdue",
    "tasks_assigned",
    "tasks_done",
    "tasks_done_late",
    "tasks_open_overdue",
    "escalations",
    "disputes_raised",
)


def month_bounds(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime(year, month, 1, tzinfo=SHANGHAI)
    end = dt.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=SHANGHAI)
    return start, end


def unit_month_figures(year: int, month: int) -> dict[int, dict[str, int]]:
    """{unit id: {field: count}} for the calendar month (Asia/Shanghai); units with nothing are
    left out. "open_overdue" counts what was still open and past due at the end of the month."""
    start, end = month_bounds(year, month)
    out: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(FIELDS, 0))

    def add(rows: Any, mapping: dict[str, str]) -> None:
        for row in rows:
            for src, dst in mapping.items():
                out[row["unit_key"]][dst] += row[src]

    orders = SupervisionOrder.objects
    add(
        orders.filter(issued_at__gte=start, issued_at__lt=end)
        .values(unit_key=F("unit_id"))
        .annotate(n=Count("id")),
        {"n": "supervision_issued"},
    )
    add(
        orders.filter(responded_at__gte=start, responded_at__lt=end)
        .values(unit_key=F("unit_id"))
        .annotate(n=Count("id"), late=Count("id", filter=Q(responded_at__gt=F("due_at")))),
        {"n": "supervision_answered", "late": "supervision_answered_late"},
    )
    add(
        orders.filter(issued_at__lt=end, due_at__lt=end)
        .filter(Q(status=SupervisionStatus.OPEN) | Q(responded_at__gte=end))
        .values(unit_key=F("unit_id"))
        .annotate(n=Count("id")),
        {"n": "supervision_open_overdue"},
    )
    tasks = MeetingTask.objects
    add(
        tasks.filter(created_at__gte=start, created_at__lt=end)
        .values(unit_key=F("owner_unit_id"))
        .annotate(n=Count("id")),
        {"n": "tasks_assigned"},
    )
    add(
        tasks.filter(status=TaskStatus.DONE, done_at__gte=start, done_at__lt=end)
        .values(unit_key=F("owner_unit_id"))
        .annotate(n=Count("id"), late=Count("id", filter=Q(done_at__gt=F("due_at")))),
        {"n": "tasks_done", "late": "tasks_done_late"},
    )
    add(
        tasks.filter(created_at__lt=end, due_at__lt=end)
        .filter(Q(status=TaskStatus.OPEN) | Q(done_at__gte=end))
        .values(unit_key=F("owner_unit_id"))
        .annotate(n=Count("id")),
        {"n": "tasks_open_overdue"},
    )
    add(
        EscalationStep.objects.filter(at__gte=start, at__lt=end, ticket__lead_unit_id__isnull=False)
        .values(unit_key=F("ticket__lead_unit_id"))
        .annotate(n=Count("id")),
        {"n": "escalations"},
    )
    add(
        Dispute.objects.filter(raised_at__gte=start, raised_at__lt=end)
        .values(unit_key=F("unit_id"))
        .annotate(n=Count("id")),
        {"n": "disputes_raised"},
    )
    return {unit: dict(values) for unit, values in out.items()}


def escalated_case_ids(until: dt.datetime) -> Any:
    """The ids of the cases escalated at least once (an `EscalationStep`) up to `until`, as a
    subquery a caller can filter cases with (`pk__in=…`) without reading the ids into Python."""
    return EscalationStep.objects.filter(at__lte=until).values("ticket_id")
