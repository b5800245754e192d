"""Reads of 类案督办 as pages and the API show them: a task's summary, its linked cases with their
current states and what the approved answer did to each. Conduct complaints are never linked (the
actions leave them out) and, should one ever be, never shown."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet

from bangban.tickets.models import Channel
from bangban.tickets.workflow import OPEN_STATUSES, Action, Status, allowed_actions

from . import hotspots_access as access
from .hotspot_task_actions import refusal_reason
from .models import HotspotTask, HotspotTaskCase, TaskCaseOutcome, TaskStatus


def load_task(pk: int) -> HotspotTask:
    """A task the caller may already see, with what its pages show."""
    return HotspotTask.objects.select_related(
        "problem", "unit", "created_by", "answered_by", "reviewed_by"
    ).get(pk=pk)


def tasks_for(user: Any, status: str = "") -> QuerySet[HotspotTask]:
    qs = (
        access.visible_tasks(user)
        .select_related("problem", "unit")
        .annotate(
            linked=Count("cases"),
            replied=Count("cases", filter=Q(cases__outcome=TaskCaseOutcome.REPLIED)),
        )
    )
    if status in TaskStatus.values:
        qs = qs.filter(status=status)
    return qs.order_by("status", "due_at", "id")


def task_row(task: HotspotTask, now: dt.datetime) -> dict[str, Any]:
    linked = getattr(task, "linked", None)
    replied = getattr(task, "replied", None)
    if linked is None or replied is None:
        outcomes = list(task.cases.values_list("outcome", flat=True))
        linked, replied = len(outcomes), outcomes.count(TaskCaseOutcome.REPLIED)
    return {
        "id": task.pk, "problem_id": task.problem_id, "label": task.problem.label, "unit_id": task.unit_id,
        "unit": task.unit.name, "requirement": task.requirement, "workdays": task.workdays,
        "due_at": task.due_at, "overdue": task.status == TaskStatus.OPEN and task.due_at < now,
        "status": task.status, "status_label": task.get_status_display(), "created_at": task.created_at,
        "case_count": linked, "replied_count": replied, "version": task.version,
    }  # fmt: skip


def case_rows(task: HotspotTask) -> list[dict[str, Any]]:
    """The linked cases by id, with their state now; `takes_reply` says whether the answer, approved
    now, would become the case's reply (else `blocked` says why)."""
    rows = (
        HotspotTaskCase.objects.filter(task=task)
        .exclude(ticket__channel=Channel.CONDUCT)
        .order_by("ticket_id")
        .values(
            "ticket_id", "ticket__number", "ticket__title", "ticket__status", "ticket__received_at",
            "ticket__enterprise__name", "ticket__lead_unit__name", "linked_status", "outcome", "note",
            "settled_status", "settled_at",
        )
    )  # fmt: skip
    out = []
    for r in rows:
        status = Status(r["ticket__status"])
        pending = r["outcome"] == TaskCaseOutcome.PENDING
        takes = pending and Action.SHARED_REPLY in allowed_actions(status)
        blocked = ""
        if pending and not takes:
            blocked = (
                refusal_reason(status)
                if status in OPEN_STATUSES
                else f"诉求已为“{status.label}”，审核通过时不改动"
            )
        out.append({
            "ticket_id": r["ticket_id"], "number": r["ticket__number"], "title": r["ticket__title"],
            "received_at": r["ticket__received_at"], "enterprise": r["ticket__enterprise__name"] or "",
            "lead_unit": r["ticket__lead_unit__name"] or "", "status": status.value, "status_label": status.label,
            "linked_status": r["linked_status"], "outcome": r["outcome"],
            "outcome_label": TaskCaseOutcome(r["outcome"]).label, "note": r["note"], "takes_reply": takes,
            "blocked": blocked, "settled_at": r["settled_at"],
        })  # fmt: skip
    return out


def task_detail(task: HotspotTask, now: dt.datetime) -> dict[str, Any]:
    cases = case_rows(task)
    return {
        **task_row(task, now),
        "answer": task.answer, "measures": task.measures, "answered_at": task.answered_at,
        "result": task.result, "result_label": task.get_result_display() if task.result else "",
        "answered_by": task.answered_by.display_name if task.answered_by else "",
        "review_comment": task.review_comment, "reviewed_at": task.reviewed_at,
        "reviewed_by": task.reviewed_by.display_name if task.reviewed_by else "",
        "created_by": task.created_by.display_name,
        "counts": {str(o): sum(1 for c in cases if c["outcome"] == o) for o in TaskCaseOutcome},
        "takes_reply_count": sum(1 for c in cases if c["takes_reply"]),
        "cases": cases,
    }  # fmt: skip
