"""Pages of the service network: assignments (with coverage, history and bulk import), the officer's
phone page and contact/visit logging, the compliance matrix, verification results, leaders' visits
and the enterprise's own page. Every change goes through `actions` / `importing`."""

from __future__ import annotations

from ._common import field_errors
from .assignments import (
    assignment_create,
    assignment_end,
    assignment_list,
    coverage,
    enterprise_history,
    index,
)
from .bulk_import import import_apply, import_cancel, import_preview, import_template, import_upload
from .compliance import MONTH_HEADERS, compliance, compliance_export, verification_results
from .contacts import (
    contact_create,
    contact_detail,
    contact_list,
    contact_photo,
    leader_visit_create,
    mine,
)
from .enterprise import contact_url, enterprise_page, verify_link
from .help_meetings import help_ledger_export, help_meeting_create, help_meeting_detail, help_meeting_list

__all__ = [
    "MONTH_HEADERS",
    "assignment_create",
    "assignment_end",
    "assignment_list",
    "compliance",
    "compliance_export",
    "contact_create",
    "contact_detail",
    "contact_list",
    "contact_photo",
    "contact_url",
    "coverage",
    "enterprise_history",
    "enterprise_page",
    "field_errors",
    "help_ledger_export",
    "help_meeting_create",
    "help_meeting_detail",
    "help_meeting_list",
    "import_apply",
    "import_cancel",
    "import_preview",
    "import_template",
    "import_upload",
    "index",
    "leader_visit_create",
    "mine",
    "verification_results",
    "verify_link",
]
