"""The ratings API's router, error lists and helpers that several of its submodules share."""

from __future__ import annotations

from bangban.core.answers import Router
from bangban.core.errors import Conflict, InvalidTransition
from bangban.core.throttle import RateLimited

router = Router(tags=["好差评与回访"])
MAX_BATCH = 200

# The codes of the rating operations, by what they do.
RATING_INPUT = ["level_required", "level_invalid", "scores_invalid", "too_long", "validation_error"]
DEVICE_KEY = [(401, "device_key_invalid"), (401, "device_key_missing"), (401, "device_revoked")]
DEVICE_RATING = [
    *RATING_INPUT, *DEVICE_KEY, "window_required", "window_unknown", "service_item_unknown", "site_invalid",
    (404, "window_unknown"), (409, "already_rated"), (409, "device_revoked"),
]  # fmt: skip
CASE_RATING = [
    *RATING_INPUT, "resolved_required", (403, "own_unit_case"), (403, "not_your_case"), Conflict,
    InvalidTransition, (409, "already_rated"), (409, "case_not_rateable"), (409, "no_first_rating"),
    (409, "followup_exists"),
]  # fmt: skip
LINK = ["link_expired", (404, "link_invalid"), (409, "link_used"), RateLimited]
RECTIFICATION = [
    "category_invalid", "feedback_required", "measures_required", "note_required", "verification_required",
    "workdays_invalid", "unit_invalid", "ticket_invalid", "too_long", Conflict, InvalidTransition,
    (409, "rectification_pending"),
]  # fmt: skip
FOLLOW_UP = [
    "outcome_invalid", "purpose_invalid", "phone_missing", "level_invalid", "resolved_required", "too_long",
    (403, "own_unit_case"), Conflict, InvalidTransition, (409, "followup_exists"), (409, "case_not_rateable"),
]  # fmt: skip
