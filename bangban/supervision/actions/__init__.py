"""Every change of supervision: one transaction, the changed row locked, permission and validation
checks, an audit record, notifications. Pages and the API both call these.

One submodule per job, re-exported here (import from `bangban.supervision.actions`): `parameters`
(the ranking settings), `rankings` (monthly rankings, their freeze and the cases behind a figure),
`notices` (通报: draft, review, edit, issue), `ledgers` (monthly ledgers, R11.1), `accountability`
(奖惩问责, R15, and the bottom-place 约谈 proposals) and `labels` (the audit actions' names). Shared
helpers are in `_common`.
"""

from __future__ import annotations

from .accountability import (
    do_create_record,
    do_decide_record,
    propose_bottom_interviews,
    propose_officer_interviews,
)
from .analysis import (
    do_create_analysis,
    do_schedule_analysis_meeting,
    do_update_analysis,
    ledger_period,
    ledgers_refusal,
    missing_ledgers,
)
from .inaction import detect_inaction, do_detect_inaction, run_detection
from .labels import ACTION_LABELS
from .ledgers import (
    LEDGER_UNIT_TYPES,
    NOTE_KEYS,
    active_ledger_units,
    do_generate_ledgers,
    do_save_ledger_notes,
    do_submit_ledger,
    ledger_due_date,
    ledger_units,
    remind_ledgers,
)
from .notices import (
    NOTICE_SCOPES,
    do_create_notice,
    do_edit_notice,
    do_issue_notice,
    do_review_notice,
    frozen_ranking,
    render_notice,
)
from .parameters import current_settings, do_update_settings, validate_weights
from .rankings import (
    FROZEN_MESSAGE,
    all_scope_rows,
    compute_rows,
    do_compute_ranking,
    do_freeze_ranking,
    drill_queryset,
    freeze_case_sets,
    frozen_case_ids,
    ranking_view,
    row_dicts,
    scoped_tickets_q,
)

__all__ = [
    "ACTION_LABELS",
    "FROZEN_MESSAGE",
    "LEDGER_UNIT_TYPES",
    "NOTE_KEYS",
    "NOTICE_SCOPES",
    "active_ledger_units",
    "all_scope_rows",
    "compute_rows",
    "current_settings",
    "detect_inaction",
    "do_compute_ranking",
    "do_create_analysis",
    "do_create_notice",
    "do_create_record",
    "do_decide_record",
    "do_detect_inaction",
    "do_edit_notice",
    "do_freeze_ranking",
    "do_generate_ledgers",
    "do_issue_notice",
    "do_review_notice",
    "do_save_ledger_notes",
    "do_schedule_analysis_meeting",
    "do_submit_ledger",
    "do_update_analysis",
    "do_update_settings",
    "drill_queryset",
    "freeze_case_sets",
    "frozen_case_ids",
    "frozen_ranking",
    "ledger_due_date",
    "ledger_period",
    "ledger_units",
    "ledgers_refusal",
    "missing_ledgers",
    "propose_bottom_interviews",
    "propose_officer_interviews",
    "ranking_view",
    "remind_ledgers",
    "render_notice",
    "row_dicts",
    "run_detection",
    "scoped_tickets_q",
    "validate_weights",
]
