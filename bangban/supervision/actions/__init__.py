"""Every change of supervision: one transaction, the changed row locked, permission and validation
checks, an audit record, notifications. Pages and the API both call these.

One submodule per job, re-exported here (import from `bangban.supervision.actions`): `parameters`
(the ranking settings), `rankings` (monthly rankings, their freeze and the cases behind a figure),
`notices` (通报: draft, review, edit, issue), `ledgers` (monthly ledgers, R11.1), `accountability`
(奖惩问责, R15, and the bottom-place 约谈 proposals), `special` (专项督查, R14.1),
`negative_cases` (负面典型案例 of a 通报, R14.2) and `labels` (the audit actions' names). Shared
(奖惩问责, R15, and the bottom-place 约谈 proposals), `stars` (作风之星 rounds), `transfers` (移送纪委监委) and `labels` (the audit actions' names). Shared
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
from .negative_cases import do_add_negative_case, do_remove_negative_case, negative_rows
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
from .special import (
    SCOPE_RULE,
    do_add_special_items,
    do_check_special_item,
    do_close_special,
    do_create_special,
    do_remove_special_item,
    do_start_special,
    split_numbers,
)
from .stars import (
    do_close_star_round,
    do_decide_nomination,
    do_nominate_star,
    do_open_star_round,
    do_publish_star_round,
)
from .transfers import discipline_units, do_receive_transfer, do_record_transfer_outcome, do_transfer_record

__all__ = [
    "ACTION_LABELS",
    "FROZEN_MESSAGE",
    "LEDGER_UNIT_TYPES",
    "NOTE_KEYS",
    "NOTICE_SCOPES",
    "SCOPE_RULE",
    "active_ledger_units",
    "all_scope_rows",
    "compute_rows",
    "current_settings",
    "detect_inaction",
    "discipline_units",
    "do_add_negative_case",
    "do_add_special_items",
    "do_check_special_item",
    "do_close_special",
    "do_close_star_round",
    "do_compute_ranking",
    "do_create_analysis",
    "do_create_notice",
    "do_create_record",
    "do_create_special",
    "do_decide_nomination",
    "do_decide_record",
    "do_detect_inaction",
    "do_edit_notice",
    "do_freeze_ranking",
    "do_generate_ledgers",
    "do_issue_notice",
    "do_nominate_star",
    "do_open_star_round",
    "do_publish_star_round",
    "do_receive_transfer",
    "do_record_transfer_outcome",
    "do_remove_negative_case",
    "do_remove_special_item",
    "do_review_notice",
    "do_save_ledger_notes",
    "do_schedule_analysis_meeting",
    "do_start_special",
    "do_submit_ledger",
    "do_transfer_record",
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
    "negative_rows",
    "propose_bottom_interviews",
    "propose_officer_interviews",
    "ranking_view",
    "remind_ledgers",
    "render_notice",
    "row_dicts",
    "run_detection",
    "scoped_tickets_q",
    "split_numbers",
    "validate_weights",
]
