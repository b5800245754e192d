"""Every change of the service network (R3, R4). Each `do_*` checks who acts, validates, runs in
one transaction that locks the row it changes, and records one audit event; notifications are
outbox rows of the same transaction.

One submodule per job, re-exported here (import from `bangban.network.actions`): `assignments`
(officers assigned to enterprises, R3.1), `contacts` (contacts, visits and leaders' visits, R3.2,
R4.1, R4.2), `verification` (the enterprise's 核验 of a visit, R4.3), `liaisons` (the enterprise's
工作联络员), `officer_ratings` (the enterprise rates its officer), `help_meetings` (解难帮扶会办会, R3.3), `exports` (audited compliance
exports) and `labels` (the audit actions' names). Shared helpers are in `_common`.
"""

from __future__ import annotations

from .assignments import (
    NOTE_MAX,
    check_officer,
    current_assignment,
    do_assign,
    do_end_assignment,
    officer_facts,
)
from .contacts import (
    SUMMARY_MAX,
    ContactInput,
    do_add_contact_photos,
    do_log_contact,
    do_log_leader_visit,
    do_raise_case,
)
from .exports import do_record_compliance_export, do_record_help_ledger_export
from .help_meetings import (
    DisposalInput,
    MeetingInput,
    do_cancel_help_meeting,
    do_close_help_meeting,
    do_complete_item,
    do_dispose_item,
    do_hold_help_meeting,
    do_schedule_help_meeting,
)
from .labels import ACTION_LABELS
from .liaisons import do_name_liaison
from .officer_ratings import do_rate_officer
from .verification import (
    DECISIONS,
    VERIFY_LINK_MAX_AGE,
    VERIFY_SALT,
    contact_for_token,
    do_verify_by_link,
    do_verify_visit,
    is_liaison,
    liaison_of,
    verify_token,
    verify_url,
)

__all__ = [
    "ACTION_LABELS",
    "DECISIONS",
    "NOTE_MAX",
    "SUMMARY_MAX",
    "VERIFY_LINK_MAX_AGE",
    "VERIFY_SALT",
    "ContactInput",
    "DisposalInput",
    "MeetingInput",
    "check_officer",
    "contact_for_token",
    "current_assignment",
    "do_add_contact_photos",
    "do_assign",
    "do_cancel_help_meeting",
    "do_close_help_meeting",
    "do_complete_item",
    "do_dispose_item",
    "do_end_assignment",
    "do_hold_help_meeting",
    "do_log_contact",
    "do_log_leader_visit",
    "do_name_liaison",
    "do_raise_case",
    "do_rate_officer",
    "do_record_compliance_export",
    "do_record_help_ledger_export",
    "do_schedule_help_meeting",
    "do_verify_by_link",
    "do_verify_visit",
    "is_liaison",
    "liaison_of",
    "officer_facts",
    "verify_token",
    "verify_url",
]
