"""`/api/v1/escalation`: tiers, escalation, meetings and tasks, the mayor's channel review, disputes
and supervision orders. Every operation calls the same action as the pages; errors come back as
`{code, message}`."""

from __future__ import annotations

# In the order the operations were declared: the router lists them (and the OpenAPI
# document shows them) in the order the submodules are imported.
from ._common import ERRORS, router

# isort: split
from .tiers import (
    CaseTierOut,
    EscalateIn,
    EscalationStepOut,
    SettingsIO,
    TierIn,
    TierOut,
    case_tier,
    escalate,
    get_settings,
    list_escalated,
    list_tiers,
    put_settings,
    update_tier,
)

# isort: split
from .meetings import (
    EscalationNoteIn,
    MeetingIn,
    MeetingOut,
    MinutesIn,
    ParticipantOut,
    TaskIn,
    TaskOut,
    add_task,
    confirm,
    create_meeting,
    get_meeting,
    list_meetings,
    list_tasks,
    minutes,
    task_done,
)

# isort: split
from .mayor import (
    ConsultIn,
    EscalationClassifyIn,
    MayorDispatchIn,
    ReviewOut,
    ReviewStepOut,
    SignIn,
    classify,
    consult,
    get_review,
    list_mayor,
    mayor_dispatch,
    sign,
)

# isort: split
from .routes import RouteIn, RouteOut, create_route, delete_route, get_route, list_routes, update_route

# isort: split
from .portfolio import (
    ExecutiveIO,
    PortfolioIn,
    PortfolioOut,
    assign_portfolio,
    get_executive,
    list_portfolio,
    put_executive,
    remove_portfolio,
)

# isort: split
from .disputes import DisputeOut, EscalationDecideIn, EscalationReasonIn, decide, list_disputes, raise_dispute

# isort: split
from .orders import OrderIn, OrderOut, ResponseIn, figures, issue, list_orders, respond

# isort: split

__all__ = [
    "ERRORS",
    "CaseTierOut",
    "ConsultIn",
    "DisputeOut",
    "EscalateIn",
    "EscalationClassifyIn",
    "EscalationDecideIn",
    "EscalationNoteIn",
    "EscalationReasonIn",
    "EscalationStepOut",
    "ExecutiveIO",
    "MayorDispatchIn",
    "MeetingIn",
    "MeetingOut",
    "MinutesIn",
    "OrderIn",
    "OrderOut",
    "ParticipantOut",
    "PortfolioIn",
    "PortfolioOut",
    "ResponseIn",
    "ReviewOut",
    "ReviewStepOut",
    "RouteIn",
    "RouteOut",
    "SettingsIO",
    "SignIn",
    "TaskIn",
    "TaskOut",
    "TierIn",
    "TierOut",
    "add_task",
    "assign_portfolio",
    "case_tier",
    "classify",
    "confirm",
    "consult",
    "create_meeting",
    "create_route",
    "decide",
    "delete_route",
    "escalate",
    "figures",
    "get_executive",
    "get_meeting",
    "get_review",
    "get_route",
    "get_settings",
    "issue",
    "list_disputes",
    "list_escalated",
    "list_mayor",
    "list_meetings",
    "list_orders",
    "list_portfolio",
    "list_routes",
    "list_tasks",
    "list_tiers",
    "mayor_dispatch",
    "minutes",
    "put_executive",
    "put_settings",
    "raise_dispute",
    "remove_portfolio",
    "respond",
    "router",
    "sign",
    "task_done",
    "update_route",
    "update_tier",
]
