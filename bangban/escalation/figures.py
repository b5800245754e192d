"""Monthly counts per unit for the monthly reports (R11.1, R14): supervision orders, meeting tasks,
escalations and disputes. Pure: reads only, writes nothing."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Count, F, Q

from bangban.workdays.arithmetic import SHANGHAI

from .models import (
    Dispute,
    EscalationStep,
    MayorReview,
    MeetingTask,
    SupervisionOrder,
    SupervisionStatus,
    TaskStatus,
)

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
    add(_escalations(start, end), {"n": "escalations"})
    add(
        Dispute.objects.filter(raised_at__gte=start, raised_at__lt=end)
        .values(unit_key=F("unit_id"))
        .annotate(n=Count("id")),
        {"n": "disputes_raised"},
    )
    return {unit: dict(values) for unit, values in out.items()}


def _escalations(start: dt.datetime, end: dt.datetime) -> Any:
    """Escalation steps taken in [start, end), per lead unit of the case (the `escalations`
    figure)."""
    return (
        EscalationStep.objects.filter(at__gte=start, at__lt=end, ticket__lead_unit_id__isnull=False)
        .values(unit_key=F("ticket__lead_unit_id"))
        .annotate(n=Count("id"))
    )


def unit_month_escalations(year: int, month: int) -> dict[int, int]:
    """{unit id: escalations} for the month: the `escalations` figure of `unit_month_figures`
    alone, in one statement (the dashboard charts only this one, month by month)."""
    start, end = month_bounds(year, month)
    return {row["unit_key"]: row["n"] for row in _escalations(start, end)}


def escalated_case_ids(until: dt.datetime) -> Any:
    """The ids of the cases escalated at least once (an `EscalationStep`) up to `until`, as a
    subquery a caller can filter cases with (`pk__in=…`) without reading the ids into Python."""
    return EscalationStep.objects.filter(at__lte=until).values("ticket_id")


# --- 专项督查 (R14.1): what the supervision app reads about the items it oversees ---------------


def _open_orders(field: str, ids: list[int]) -> dict[int, dict[str, int]]:
    rows = (
        SupervisionOrder.objects.filter(**{f"{field}__in": ids})
        .values(key=F(field))
        .annotate(
            total=Count("id"),
            open=Count("id", filter=Q(status=SupervisionStatus.OPEN)),
        )
    )
    return {r["key"]: {"orders": r["total"], "orders_open": r["open"]} for r in rows}


def mayor_case_ids(ticket_ids: list[int]) -> set[int]:
    """Which of these cases came through the mayor's channel (they have a 市长直通车 review)."""
    return set(MayorReview.objects.filter(ticket_id__in=ticket_ids).values_list("ticket_id", flat=True))


def mayor_case_candidates(limit: int = 100) -> list[int]:
    """The mayor-channel cases, newest first: what a 专项督查 may take in."""
    return list(
        MayorReview.objects.order_by("-collected_at", "-id").values_list("ticket_id", flat=True)[:limit]
    )


def meeting_task_rows(
    task_ids: list[int] | None = None, *, open_only: bool = False, limit: int = 200
) -> list[dict[str, Any]]:
    """Matters decided at meetings (议定事项) as plain rows: id, content, meeting, owner unit, due,
    status, completion note and the 督办 orders on it."""
    qs = MeetingTask.objects.select_related("meeting", "owner_unit")
    if task_ids is not None:
        qs = qs.filter(pk__in=task_ids)
    if open_only:
        qs = qs.filter(status=TaskStatus.OPEN)
    tasks = list(qs.order_by("due_at", "id")[:limit])
    orders = _open_orders("task_id", [t.pk for t in tasks])
    return [
        {
            "id": t.pk,
            "content": t.content,
            "meeting": t.meeting.title,
            "meeting_type": t.meeting.get_type_display(),
            "held_at": t.meeting.held_at,
            "unit_id": t.owner_unit_id,
            "unit_name": t.owner_unit.name,
            "due_at": t.due_at,
            "done": t.status == TaskStatus.DONE,
            "status_label": t.get_status_display(),
            "done_at": t.done_at,
            "result": t.done_note,
            **orders.get(t.pk, {"orders": 0, "orders_open": 0}),
        }
        for t in tasks
    ]


def case_supervision_orders(ticket_ids: list[int]) -> dict[int, dict[str, int]]:
    """{case id: {orders, orders_open}}: the 督办/催办 orders issued on these cases."""
    return _open_orders("ticket_id", ticket_ids)
