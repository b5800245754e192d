"""The supervision API's router and error lists."""

from __future__ import annotations

from bangban.core.answers import Router
from bangban.core.errors import Conflict, InvalidTransition

router = Router(tags=["月度督查与排名"])


# The codes of the supervision actions: bad input (400) and a state that does not allow the
# operation (409).
SETTINGS_ERRORS = ["settings_invalid", "weights_invalid", "weights_sum_invalid"]
RANKING_ERRORS = [
    "month_invalid", "month_not_closed", "scope_invalid", "weights_invalid", "weights_sum_invalid",
    "settings_invalid", InvalidTransition, Conflict, (409, "ranking_frozen"), (409, "ranking_not_frozen"),
    (409, "ranking_scope_missing"),
]  # fmt: skip
NOTICE_ERRORS = [
    "month_invalid", "notice_kind_invalid", "title_invalid", "requirements_invalid", InvalidTransition, Conflict,
    (409, "notice_already_issued"), (409, "notice_not_draft"), (409, "notice_not_reviewed"),
    (409, "ranking_not_frozen"),
]  # fmt: skip
LEDGER_ERRORS = ["month_invalid", "note_too_long", InvalidTransition, (409, "ledger_already_submitted")]
RECORD_ERRORS = [
    "accountability_invalid", "star_nominee_accountable", "status_invalid", "month_invalid", "unit_invalid",
    InvalidTransition,
    (409, "record_closed"),
]  # fmt: skip
ANALYSIS_ERRORS = [
    "analysis_title_required", "analysis_findings_required", "analysis_causes_required",
    "analysis_measures_required", "analysis_too_long", "analysis_period_invalid", "analysis_case_not_own",
    "analysis_too_many_cases", "analysis_category_invalid", "analysis_hotspot_invalid",
    "analysis_reference_invalid", (403, "analysis_not_allowed"), (403, "analysis_not_own"), Conflict,
    InvalidTransition, (409, "analysis_submitted"),
]  # fmt: skip
ANALYSIS_MEETING_ERRORS = [
    "month_invalid", "held_at_required", "analysis_month_mismatch", "analysis_before_ledger_due",
    "chair_required", "user_invalid", "unit_invalid", "too_long", (409, "analysis_ledgers_missing"),
    (409, "analysis_meeting_exists"),
]  # fmt: skip
