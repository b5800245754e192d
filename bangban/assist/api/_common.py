"""The 帮办代办 API's router and the error lists its submodules share."""

from __future__ import annotations

from bangban.core.answers import Router
from bangban.core.errors import Conflict, InvalidTransition

router = Router(tags=["帮办代办"])


def text_codes(*fields: str, required: tuple[str, ...] = ()) -> list[str]:
    return [*(f"{f}_too_long" for f in fields), *(f"{f}_required" for f in required)]


ENTERPRISE = ["enterprise_not_found", "enterprise_required", "enterprise_name_too_long"]
MOMENT = ["time_in_future"]
RECORD_INPUT = [
    *ENTERPRISE, *MOMENT, *text_codes("matter", "outcome_note", required=("matter",)),
    "invalid_service_type", "invalid_started_at", "invalid_ended_at", "end_before_start", "span_too_long",
    "invalid_outcome", "outcome_note_required", "site_inactive", (409, "record_duplicate"),
    (409, "record_overlaps"),
]  # fmt: skip
ERRAND_OPEN = [
    *ENTERPRISE, *text_codes("matter", required=("matter",)), "due_on_required", "invalid_due_on", "due_in_past",
    "site_inactive", (409, "errand_exists"),
]  # fmt: skip
VERSION = [Conflict]
MOVE = [Conflict, InvalidTransition]
CLOSED = (409, "errand_closed")
CONFIRM = [(409, "confirmation_required"), (409, "materials_not_returned")]
