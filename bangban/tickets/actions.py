"""Every change to a case after intake: routing, deadlines, handling, follow-up, merge (R2.2,
R6.1, R8.3, R12.1).

Each `do_*` function takes keyword-only arguments with `acting_user`, `now` (defaults to the
current time) and `expected_version` (the `version` the user saw; stale → Conflict). It runs in
one transaction, locks the case (`access_ticket(..., for_update=True)`, which also answers
NotFound / PermissionDenied), checks the move against `workflow.TRANSITIONS`, saves the named
fields with `version + 1`, writes exactly one timeline event (which is also the audit event) and
queues the notifications of `notifications.py` in the same transaction (delivered on commit).

The actions live by area — `actions_routing.py` (派单, 签收, 退单, 改派), `actions_deadlines.py`
(延期, 挂起, 恢复), `actions_handling.py` (进展, 意见, 答复, 审核, 回访, 办结, 重办),
`actions_answers.py` (当场办结, 类案统一答复) and `actions_merge.py` (合并, 撤回) — on the shared steps of `lifecycle.py`. This module is the one
place the rest of the product imports them from.
"""

from __future__ import annotations

from .actions_answers import SharedAnswer, do_close_on_spot, do_shared_reply
from .actions_deadlines import do_decide_request, do_request_extension, do_request_suspension, do_resume
from .actions_handling import (
    FollowUpOutcome,
    do_add_note,
    do_approve_reply,
    do_follow_up,
    do_reject_reply,
    do_reopen_after_recheck,
    do_submit_reply,
    follow_up_outcome,
    record_follow_up,
)
from .actions_merge import do_merge, do_withdraw
from .actions_routing import do_accept, do_dispatch, do_reassign, do_return
from .lifecycle import LIFECYCLE_ACTION_LABELS, TRACKED_FIELDS

__all__ = [
    "LIFECYCLE_ACTION_LABELS",
    "TRACKED_FIELDS",
    "FollowUpOutcome",
    "SharedAnswer",
    "do_accept",
    "do_add_note",
    "do_approve_reply",
    "do_close_on_spot",
    "do_decide_request",
    "do_dispatch",
    "do_follow_up",
    "do_merge",
    "do_reassign",
    "do_reject_reply",
    "do_reopen_after_recheck",
    "do_request_extension",
    "do_request_suspension",
    "do_resume",
    "do_return",
    "do_shared_reply",
    "do_submit_reply",
    "do_withdraw",
    "follow_up_outcome",
    "record_follow_up",
]
