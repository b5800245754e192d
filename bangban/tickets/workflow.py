"""The case (诉求/工单) lifecycle as data — pure, no ORM.

`TRANSITIONS` is the single source of truth for which action may move a case from which status to
which; `docs/case-lifecycle.md` draws the same table. Actions in `actions.py` call
`check_transition()` before they change anything.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from bangban.core import kit


class Status(models.TextChoices):
    PENDING_DISPATCH = "pending_dispatch", "待派单"
    DISPATCHED = "dispatched", "待签收"
    IN_PROGRESS = "in_progress", "办理中"
    SUSPENDED = "suspended", "已挂起"
    REPLY_REVIEW = "reply_review", "答复待审核"
    REPLIED = "replied", "已答复待回访"
    CLOSED = "closed", "已办结"
    MERGED = "merged", "已合并"
    WITHDRAWN = "withdrawn", "已撤回"


OPEN_STATUSES = frozenset(
    {Status.PENDING_DISPATCH, Status.DISPATCHED, Status.IN_PROGRESS, Status.SUSPENDED, Status.REPLY_REVIEW}
)
# Statuses in which the handling deadline runs (suspension stops the clock; a reply under review
# still counts, the unit has not answered the enterprise yet).
CLOCK_RUNNING = frozenset({Status.DISPATCHED, Status.IN_PROGRESS, Status.REPLY_REVIEW})
FINAL_STATUSES = frozenset({Status.CLOSED, Status.MERGED, Status.WITHDRAWN})
# Cases that were folded into another or withdrawn: no figure or dashboard counts them.
SET_ASIDE_STATUSES = frozenset({Status.MERGED, Status.WITHDRAWN})
# Cases an enterprise may rate: answered (the rating is also the follow-up) or closed (追评).
RATEABLE_STATUSES = frozenset({Status.REPLIED, Status.CLOSED})


class Action(models.TextChoices):
    CLOSE_ON_SPOT = "close_on_spot", "当场办结"
    DISPATCH = "dispatch", "派单"
    ACCEPT = "accept", "签收"
    RETURN = "return", "退单"
    REASSIGN = "reassign", "改派"
    SUSPEND = "suspend", "挂起"
    RESUME = "resume", "恢复办理"
    SUBMIT_REPLY = "submit_reply", "提交答复"
    APPROVE_REPLY = "approve_reply", "审核通过答复"
    REJECT_REPLY = "reject_reply", "退回答复"
    SHARED_REPLY = "shared_reply", "类案统一答复"
    FOLLOW_UP_CLOSE = "follow_up_close", "回访办结"
    REOPEN = "reopen", "重办"
    MERGE = "merge", "合并"
    WITHDRAW = "withdraw", "撤回"


@dataclass(frozen=True)
class Transition:
    action: Action
    sources: frozenset[Status]
    target: Status


def _t(action: Action, sources: set[Status], target: Status) -> Transition:
    return Transition(action, frozenset(sources), target)


TRANSITIONS: dict[Action, Transition] = {
    t.action: t
    for t in [
        _t(Action.CLOSE_ON_SPOT, {Status.PENDING_DISPATCH}, Status.CLOSED),
        _t(Action.DISPATCH, {Status.PENDING_DISPATCH}, Status.DISPATCHED),
        _t(Action.ACCEPT, {Status.DISPATCHED}, Status.IN_PROGRESS),
        _t(Action.RETURN, {Status.DISPATCHED, Status.IN_PROGRESS}, Status.PENDING_DISPATCH),
        _t(Action.REASSIGN, {Status.DISPATCHED, Status.IN_PROGRESS}, Status.DISPATCHED),
        _t(Action.SUSPEND, {Status.IN_PROGRESS}, Status.SUSPENDED),
        _t(Action.RESUME, {Status.SUSPENDED}, Status.IN_PROGRESS),
        _t(Action.SUBMIT_REPLY, {Status.IN_PROGRESS}, Status.REPLY_REVIEW),
        _t(Action.APPROVE_REPLY, {Status.REPLY_REVIEW}, Status.REPLIED),
        _t(Action.REJECT_REPLY, {Status.REPLY_REVIEW}, Status.IN_PROGRESS),
        # One answer approved for several cases of the same problem (a hotspot's 类案督办): it is
        # each case's reply, given where the case could take a reply of its own (办理中).
        _t(Action.SHARED_REPLY, {Status.IN_PROGRESS}, Status.REPLIED),
        _t(Action.FOLLOW_UP_CLOSE, {Status.REPLIED}, Status.CLOSED),
        _t(Action.REOPEN, {Status.REPLIED, Status.CLOSED}, Status.IN_PROGRESS),
        _t(Action.MERGE, {Status.PENDING_DISPATCH, Status.DISPATCHED}, Status.MERGED),
        _t(Action.WITHDRAW, {Status.PENDING_DISPATCH}, Status.WITHDRAWN),
    ]
}


# The same table in the kit's form, which every state machine of the product shares.
TABLE = kit.table(
    "tickets.case",
    Status,
    "诉求",
    [kit.move(t.action, t.action.label, t.sources, t.target) for t in TRANSITIONS.values()],
    initial=[Status.PENDING_DISPATCH],
)


def check_transition(status: str, action: str) -> Status:
    """The target status, or InvalidTransition with a Chinese message naming both."""
    return Status(TABLE.check(Status(status), Action(action)))


def allowed_actions(status: str) -> list[Action]:
    return [Action(a) for a in TABLE.allowed_actions(Status(status))]


class DeadlineState(models.TextChoices):
    NORMAL = "normal", "正常"
    WARNING = "warning", "临期"
    OVERDUE = "overdue", "超期"
    NONE = "none", "无期限"


def deadline_state(*, now_workdays_left: int | None, overdue: bool, warn_workdays: int) -> DeadlineState:
    """From the number of working days left before the due date (0 = due today)."""
    if now_workdays_left is None:
        return DeadlineState.NONE
    if overdue:
        return DeadlineState.OVERDUE
    if now_workdays_left <= warn_workdays:
        return DeadlineState.WARNING
    return DeadlineState.NORMAL
