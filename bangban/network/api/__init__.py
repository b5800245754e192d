"""`/api/v1/network`: assignments, contacts and visits, verification, compliance, coverage and the
enterprise's side — the same actions and scope as the pages. Out of scope → 404 `not_found`;
a broken rule → 400 with the rule's code (e.g. `rank_too_low`, `enterprise_not_assigned`,
`contact_in_future`); a duplicate contact → 409 `duplicate_contact`."""

from __future__ import annotations

# In the order the operations were declared: the router lists them (and the OpenAPI
# document shows them) in the order the submodules are imported.
from ._common import ASSIGN_ERRORS, CONTACT_ERRORS, IMPORT_ERRORS, router

# isort: split
from .assignments import (
    AssignmentEndIn,
    AssignmentIn,
    AssignmentOut,
    AssignmentQuery,
    CoverageOut,
    CoverageRegionOut,
    NetworkBatchOut,
    UncoveredOut,
    apply_import,
    assignment_out,
    batch_out,
    cancel_import,
    coverage,
    create_assignment,
    end_assignment,
    get_import,
    list_assignments,
    preview_import,
)

# isort: split
from .contacts import (
    ContactIn,
    ContactOut,
    ContactQuery,
    LeaderVisitIn,
    NetworkVerifyIn,
    RaiseCaseIn,
    contact_out,
    create_contact,
    create_leader_visit,
    get_contact,
    list_contacts,
    raise_case,
    verify_contact,
)

# isort: split
from .compliance import (
    ComplianceOut,
    OfficerComplianceOut,
    RegionComplianceOut,
    TallyOut,
    VerificationRegionOut,
    compliance,
    tally_out,
    verification_results,
)

# isort: split
from .enterprise import LiaisonIn, LiaisonOut, NetworkRatingIn, NetworkRatingOut, name_liaison, rate_officer

# isort: split
from . import help_meetings

# isort: split

__all__ = [
    "ASSIGN_ERRORS",
    "CONTACT_ERRORS",
    "IMPORT_ERRORS",
    "AssignmentEndIn",
    "AssignmentIn",
    "AssignmentOut",
    "AssignmentQuery",
    "ComplianceOut",
    "ContactIn",
    "ContactOut",
    "ContactQuery",
    "CoverageOut",
    "CoverageRegionOut",
    "LeaderVisitIn",
    "LiaisonIn",
    "LiaisonOut",
    "NetworkBatchOut",
    "NetworkRatingIn",
    "NetworkRatingOut",
    "NetworkVerifyIn",
    "OfficerComplianceOut",
    "RaiseCaseIn",
    "RegionComplianceOut",
    "TallyOut",
    "UncoveredOut",
    "VerificationRegionOut",
    "apply_import",
    "assignment_out",
    "batch_out",
    "cancel_import",
    "compliance",
    "contact_out",
    "coverage",
    "create_assignment",
    "create_contact",
    "create_leader_visit",
    "end_assignment",
    "get_contact",
    "get_import",
    "help_meetings",
    "list_assignments",
    "list_contacts",
    "name_liaison",
    "preview_import",
    "raise_case",
    "rate_officer",
    "router",
    "tally_out",
    "verification_results",
    "verify_contact",
]
