"""Pages of escalation: escalated cases and tiers, meetings and tasks, the mayor's channel review,
the dispute ledger and supervision orders. Every form posts to a view that calls the same action
as the API; a refused action shows its Chinese message on the page it came from."""

from __future__ import annotations

from .cases import escalate, index, tiers
from .disputes import dispute_detail, dispute_raise, disputes
from .mayor import mayor, mayor_case, mayor_route, mayor_routes, vice_portfolio
from .meetings import meeting_detail, meeting_docx, meeting_new, meetings, task_done, tasks
from .orders import supervision, supervision_detail

__all__ = [
    "dispute_detail",
    "dispute_raise",
    "disputes",
    "escalate",
    "index",
    "mayor",
    "mayor_case",
    "mayor_route",
    "mayor_routes",
    "meeting_detail",
    "meeting_docx",
    "meeting_new",
    "meetings",
    "supervision",
    "supervision_detail",
    "task_done",
    "tasks",
    "tiers",
    "vice_portfolio",
]
