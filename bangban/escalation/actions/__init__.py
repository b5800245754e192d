"""Every change in escalation: tiers, manual escalation, meetings and their tasks, the mayor's
channel review chain, disputes and supervision orders.

Each `do_*` function takes keyword-only arguments with `acting_user` and `now` (defaults to the
current time), runs in one transaction, locks the row it changes (`select_for_update`), checks the
role, validates, writes an audit record (for a case: a timeline entry, which is also its audit
event) and queues notifications in the same transaction.

One submodule per job, re-exported here (import from `bangban.escalation.actions`):
`tiers` (the tier chain, the settings, manual escalation), `meetings` (meetings, their tasks,
minutes and task reminders), `deputy_routes` (the 对口联系副秘书长 table), `mayor` (the mayor's
channel review chain, R8), `disputes` (R6.2), `orders` (督办 / 催办) and `labels` (the audit
actions' names). Helpers they share are in `_common`.
"""

from __future__ import annotations

from bangban.tickets.workflow import OPEN_STATUSES

from .deputy_routes import deputy_for, do_create_route, do_delete_route, do_update_route
from .disputes import do_decide_dispute, do_raise_dispute
from .labels import ACTION_LABELS, EVENT_LABELS
from .mayor import (
    do_classify,
    do_mayor_dispatch,
    do_request_consult,
    do_sign,
    may_dispatch_review,
    open_review,
    vice_mayor_of,
)
from .meetings import (
    access_meeting_locked,
    do_add_task,
    do_complete_task,
    do_confirm_attendance,
    do_create_meeting,
    do_record_minutes,
    minutes_docx,
    remind_due_tasks,
)
from .orders import do_issue_order, do_respond_order, remind_open_orders
from .portfolio import do_assign_portfolio, do_remove_portfolio, do_set_executive, in_charge
from .tiers import (
    DEFAULT_TIERS,
    SETTING_LABELS,
    active_tiers,
    current_level,
    do_escalate,
    do_update_settings,
    do_update_tier,
    ensure_default_tiers,
    escalation_recipients,
    next_tier,
    settings_row,
    tier_by_level,
)

__all__ = [
    "ACTION_LABELS",
    "DEFAULT_TIERS",
    "EVENT_LABELS",
    "OPEN_STATUSES",
    "SETTING_LABELS",
    "access_meeting_locked",
    "active_tiers",
    "current_level",
    "deputy_for",
    "do_add_task",
    "do_assign_portfolio",
    "do_classify",
    "do_complete_task",
    "do_confirm_attendance",
    "do_create_meeting",
    "do_create_route",
    "do_decide_dispute",
    "do_delete_route",
    "do_escalate",
    "do_issue_order",
    "do_mayor_dispatch",
    "do_raise_dispute",
    "do_record_minutes",
    "do_remove_portfolio",
    "do_request_consult",
    "do_respond_order",
    "do_set_executive",
    "do_sign",
    "do_update_route",
    "do_update_settings",
    "do_update_tier",
    "ensure_default_tiers",
    "escalation_recipients",
    "in_charge",
    "may_dispatch_review",
    "minutes_docx",
    "next_tier",
    "open_review",
    "remind_due_tasks",
    "remind_open_orders",
    "settings_row",
    "tier_by_level",
    "vice_mayor_of",
]
