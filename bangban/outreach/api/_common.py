"""The outreach API's router, error lists and helpers that several of its submodules share."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from bangban.core.answers import Router
from bangban.core.errors import Conflict, FileRejected, InvalidTransition
from bangban.core.pagination import Page
from bangban.core.xlsx import UPLOAD_REFUSALS

router = Router(tags=["项目服务与政企互动"])

# The codes the outreach actions answer: bad input (400, with each field's message in `details`),
# a stale `version` and a state that does not allow the operation (409).
# Each field checked by `checks.py` answers `<field>_required`, `<field>_too_long` or
# `invalid_<field>`.
CHECKED_FIELDS = (
    "amount", "answer", "association_id", "body", "chief_officer_id", "contact_name", "contact_phone",
    "content", "description", "doc_number", "due_date", "enterprise_id", "enterprise_name", "half",
    "handling_unit_id", "held_on", "inform_reason", "inform_solution", "investor", "issuer_id", "kind",
    "lead_unit_id", "level", "location", "mode", "month", "name", "note", "outcomes", "participants",
    "planned_on", "published_on", "reason", "region", "region_codes", "solution", "stage", "status",
    "summary", "theme", "themes", "title", "url", "valid_until", "year",
)  # fmt: skip
ERRORS = [
    *(f"{field}_required" for field in CHECKED_FIELDS),
    *(f"{field}_too_long" for field in CHECKED_FIELDS),
    *(f"invalid_{field}" for field in CHECKED_FIELDS),
    *("association_exists", "association_required", "association_not_own", "enterprise_out_of_scope", "held_in_future",
      "not_a_participant", "not_an_association_account", "planned_outside_half", "policy_exists",
      "region_out_of_scope", "selection_required", "unknown_enterprise", "unknown_nomination",
      "unknown_region", "unknown_unit", "validation_error"),
    Conflict,
    InvalidTransition,
    *((409, c) for c in ("already_nominated", "already_rated", "already_selected", "no_matching_enterprise",
                         "no_participants", "nomination_closed", "not_selected", "opinion_answered",
                         "opinion_not_answered", "policy_expired", "policy_inactive", "problem_handled",
                         "procedure_done", "procedure_not_proxy", "report_handled", "round_has_open_problems",
                         "round_submitted")),
]  # fmt: skip
IMPORT_ERRORS = [
    FileRejected, *UPLOAD_REFUSALS, "empty_file", "duplicate_row", (409, "import_closed"), (409, "nothing_to_import")
]  # fmt: skip
# A list whose filter value is not one the list knows.
LIST_ERRORS = ["invalid_filter"]
Records = Page[dict[str, Any]]


def _at(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value else None
