"""The escalation API's router, error list and helpers that several of its submodules share."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from bangban.core.answers import Router
from bangban.core.errors import Conflict, InvalidTransition

from ..models import Meeting, MeetingTask

router = Router(tags=["分级会办与督办"])


# The codes the escalation actions (`actions.py`) answer: bad input (400), a refusal (403) and a
# state that does not allow the operation (409).
ERRORS = [
    *("auto_rule_invalid", "case_invalid", "category_invalid", "category_required", "chair_invalid",
      "chair_required", "comment_invalid", "comment_required", "content_required", "decision_invalid",
      "decision_required", "deputy_route_missing", "dispute_bound", "dispute_pending", "dispute_too_late",
      "held_at_required", "invalid_workdays", "kind_invalid", "kind_required", "lead_unit_required",
      "meeting_invalid", "meeting_type_invalid", "minutes_required", "name_required", "no_unit",
      "note_required", "owner_unit_required", "place_invalid", "reason_required", "response_required",
      "reviewer_not_deputy", "target_required", "tier_invalid", "tier_required", "title_required",
      "too_long", "urgency_invalid", "user_invalid", "validation_error"),
    *((403, c) for c in ("mayor_dispatch_via_review", "not_participant", "wrong_unit")),
    Conflict,
    InvalidTransition,
    *((409, c) for c in ("already_escalated", "mapping_exists", "already_answered", "case_finished",
                         "consult_for_major_only", "dispute_decided", "major_requires_consult",
                         "mayor_signoff_incomplete", "out_of_turn", "task_done")),
]  # fmt: skip


def _task(t: MeetingTask) -> dict[str, Any]:
    return {
        "id": t.pk, "meeting_id": t.meeting_id, "content": t.content, "owner_unit_id": t.owner_unit_id,
        "owner_unit": t.owner_unit.name, "ticket_id": t.ticket_id, "workdays": t.workdays, "due_at": t.due_at,
        "status": t.status, "overdue": t.status == "open" and t.due_at < timezone.now(), "done_at": t.done_at,
        "done_note": t.done_note,
    }  # fmt: skip


def _meeting(m: Meeting) -> dict[str, Any]:
    return {
        "id": m.pk, "type": m.type, "title": m.title, "held_at": m.held_at, "place": m.place,
        "chair_id": m.chair_id, "status": m.status, "minutes": m.minutes,
        "unit_ids": list(m.units.values_list("pk", flat=True)),
        "case_ids": list(m.cases.values_list("pk", flat=True)),
        "participants": [{"user_id": p.user_id, "name": p.user.display_name, "confirmed_at": p.confirmed_at}
                         for p in m.participants.select_related("user")],
        "tasks": [_task(t) for t in m.tasks.select_related("owner_unit")], "version": m.version,
    }  # fmt: skip
