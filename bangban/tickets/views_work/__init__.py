"""The work pages of the case system: dispatcher queue, unit work queue, all cases, the enterprise's
我的诉求, the case page with its action panels, saved views and the Excel export of every list.

Reads go through `queries` (scoped by `access`), writes through the `actions.do_*` functions;
every action form posts the `version` the user saw. An `ApplicationError` from an action is shown
in the panel that caused it (a conflict: 「记录已被他人修改，请刷新后重试」) and nothing is saved.
"""

from __future__ import annotations

from ..models import DeadlineRequest
from .detail import act, attachment, detail, reveal_contact
from .dispatch import dispatch_batch, dispatch_counts
from .exports import export, export_plan, saved_view_apply, saved_view_delete, saved_view_save
from .queues import all_cases, dispatch_queue, mine, unit_queue

__all__ = [
    "DeadlineRequest",
    "act",
    "all_cases",
    "attachment",
    "detail",
    "dispatch_batch",
    "dispatch_counts",
    "dispatch_queue",
    "export",
    "export_plan",
    "mine",
    "reveal_contact",
    "saved_view_apply",
    "saved_view_delete",
    "saved_view_save",
    "unit_queue",
]
