"""`/api/v1/cases`: reading cases (`reading`) and the lifecycle operations (`lifecycle`)."""

from __future__ import annotations

# In the order the operations were declared: the router lists them (and the OpenAPI
# document shows them) in the order the submodules are imported.
from ._common import router

# isort: split
from .reading import (
    FIGURE_READERS,
    AttachmentOut,
    CaseDetailOut,
    CaseItemOut,
    CaseQuery,
    DispatchMonthFiguresOut,
    EnterpriseRef,
    EventOut,
    ReplyOut,
    UnitRef,
    case_out,
    dispatch_figures,
    event_out,
    get_case,
    list_case_events,
    list_cases,
)

# isort: split
from .lifecycle import LIFECYCLE_ERRORS, TRANSITIONS, Transition

# isort: split
from .batch import (
    DispatchBatchIn,
    DispatchBatchItemIn,
    DispatchBatchItemOut,
    DispatchBatchOut,
    dispatch_cases_batch,
)

# isort: split
from .contact import ContactRevealOut, reveal_contact

# isort: split

__all__ = [
    "FIGURE_READERS",
    "LIFECYCLE_ERRORS",
    "TRANSITIONS",
    "AttachmentOut",
    "CaseDetailOut",
    "CaseItemOut",
    "CaseQuery",
    "ContactRevealOut",
    "DispatchBatchIn",
    "DispatchBatchItemIn",
    "DispatchBatchItemOut",
    "DispatchBatchOut",
    "DispatchMonthFiguresOut",
    "EnterpriseRef",
    "EventOut",
    "ReplyOut",
    "Transition",
    "UnitRef",
    "case_out",
    "dispatch_cases_batch",
    "dispatch_figures",
    "event_out",
    "get_case",
    "list_case_events",
    "list_cases",
    "reveal_contact",
    "router",
]
