"""Investment projects and their chief service officers (R1): projects, procedures (全程代办 or
告知 with a solution), the monthly problem collection per county/zone and its transfer to 市商务局.

Every `do_*` runs in one transaction, locks the row it changes, checks the caller, validates,
writes one audit event and queues its notifications."""

from __future__ import annotations

from .coordination import coordinations, do_coordinate_problem
from .procedures import PROGRESS_ACTIONS, do_add_procedure, do_record_progress
from .registry import (
    ACTION_LABELS,
    INFORM_REASON_REQUIRED,
    INFORM_SOLUTION_REQUIRED,
    PROJECT_EDITABLE,
    PROJECT_FIELDS,
    collection_due_day,
    collection_region,
    commerce_unit,
    do_create_project,
    do_update_project,
    lead_unit_for,
)
from .rounds import (
    do_add_problem,
    do_open_round,
    do_solve_problem,
    do_submit_round,
    do_transfer_problem,
    late_rounds_q,
    may_submit,
    open_rounds_for_month,
    remind_rounds,
    round_is_late,
)

__all__ = [
    "ACTION_LABELS",
    "INFORM_REASON_REQUIRED",
    "INFORM_SOLUTION_REQUIRED",
    "PROGRESS_ACTIONS",
    "PROJECT_EDITABLE",
    "PROJECT_FIELDS",
    "collection_due_day",
    "collection_region",
    "commerce_unit",
    "coordinations",
    "do_add_problem",
    "do_add_procedure",
    "do_coordinate_problem",
    "do_create_project",
    "do_open_round",
    "do_record_progress",
    "do_solve_problem",
    "do_submit_round",
    "do_transfer_problem",
    "do_update_project",
    "late_rounds_q",
    "lead_unit_for",
    "may_submit",
    "open_rounds_for_month",
    "remind_rounds",
    "round_is_late",
]
