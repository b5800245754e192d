"""The service network API's router and error lists."""

from __future__ import annotations

from bangban.core.answers import Router
from bangban.core.errors import Conflict, FileRejected, InvalidTransition
from bangban.core.xlsx import UPLOAD_REFUSALS

from ..evidence import LOCATION_ERRORS
from ..evidence import PHOTO_ERRORS as PHOTO_CODES

router = Router(tags=["帮办服务网络"])

# The codes the network actions answer, by the operations that can meet them.
ASSIGN_ERRORS = [
    *("end_before_start", "end_in_future", "enterprise_inactive", "enterprise_not_found", "no_officer",
      "not_an_officer", "note_too_long", "officer_not_found", "officer_required", "reason_required",
      "reason_too_long", "start_before_current", "start_in_future", "rank_too_low", "officer_not_city_level",
      "officer_without_unit",
      "officer_not_local", "officer_out_of_region", "validation_error"),
    Conflict,
    InvalidTransition,
    *((409, c) for c in ("already_assigned", "enterprise_has_officer", "assignment_ended")),
]  # fmt: skip
IMPORT_ERRORS = [
    FileRejected, *UPLOAD_REFUSALS, "empty_file", "no_valid_rows", "duplicate_row", "invalid_uscc",
    (409, "batch_already_applied"), (409, "batch_cancelled"),
]  # fmt: skip
CONTACT_ERRORS = [
    *LOCATION_ERRORS, *PHOTO_CODES,
    *("comment_required", "contact_in_future", "contact_outside_assignment", "delivered_required",
      "dispute_reason_required", "enterprise_not_assigned", "enterprise_not_found", "invalid_decision",
      "leader_required", "raised_required", "region_invalid", "validation_error"),
    Conflict,
    InvalidTransition,
    *((409, c) for c in ("duplicate_contact", "already_raised", "already_verified", "not_a_visit")),
]  # fmt: skip
PHOTO_ERRORS = [*PHOTO_CODES, "photos_required", "validation_error", Conflict]
