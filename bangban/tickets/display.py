"""How a case looks wherever it appears: status and urgency badges, and the deadline colour —
green 正常, yellow 临期, red 超期 — computed live from `due_at` / `warn_at` against `now` (the
stored `deadline_state` is the sweeper's, kept for filtering and reports, and may lag by a sweep).

Pure presentation: no queries, every function takes the case (or its fields) and `now`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone

from . import deadlines
from .dispatch_clock import dispatch_state_at, waiting
from .models import Urgency
from .workflow import FINAL_STATUSES, Action, DeadlineState, Status

# The case is still with the government and its clock counts (a returned case keeps the deadline
# of its first dispatch, so a case waiting for re-dispatch can be 临期/超期 as well).
DEADLINE_STATUSES = frozenset(
    {Status.PENDING_DISPATCH, Status.DISPATCHED, Status.IN_PROGRESS, Status.REPLY_REVIEW}
)


def overdue_condition(now: dt.datetime) -> Q:
    """超期 at `now`, as a condition on cases: the clock counts (`DEADLINE_STATUSES`) and the due
    time has passed — the 超期 of `deadline_state_at`, of the lists' 期限 filter and of `/metrics`."""
    return Q(status__in=sorted(DEADLINE_STATUSES), due_at__lte=now)


# The unit has answered: the colour tells whether it answered in time.
ANSWERED_STATUSES = frozenset({Status.REPLIED, Status.CLOSED})

STATUS_CSS = {
    Status.PENDING_DISPATCH: "text-bg-secondary",
    Status.DISPATCHED: "text-bg-info",
    Status.IN_PROGRESS: "text-bg-primary",
    Status.SUSPENDED: "text-bg-dark",
    Status.REPLY_REVIEW: "text-bg-info",
    Status.REPLIED: "text-bg-success",
    Status.CLOSED: "text-bg-success",
    Status.MERGED: "text-bg-light border",
    Status.WITHDRAWN: "text-bg-light border",
}

URGENCY_CSS = {
    Urgency.URGENT: "text-bg-danger",
    Urgency.GENERAL: "text-bg-light border",
    Urgency.COMPLEX: "text-bg-warning",
}

DEADLINE_CSS = {
    DeadlineState.NORMAL: "text-bg-success",
    DeadlineState.WARNING: "text-bg-warning",
    DeadlineState.OVERDUE: "text-bg-danger",
    DeadlineState.NONE: "text-bg-light border",
}


def deadline_state_at(ticket: Any, now: dt.datetime) -> DeadlineState:
    """临期 once `warn_at` is reached, 超期 once `due_at` is reached (the rule of
    `deadlines.deadline_state_at`), for a case whose clock runs; NONE for a case without a
    deadline, suspended (the clock stops) or answered/finished (shown by `deadline_badge`)."""
    if ticket.status not in DEADLINE_STATUSES or ticket.due_at is None:
        return DeadlineState.NONE
    return deadlines.deadline_state_at(ticket, now)


def _span(delta: dt.timedelta) -> str:
    seconds = int(abs(delta.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours = rest // 3600
    if days:
        return f"{days}天{hours}小时" if hours and days < 3 else f"{days}天"
    if hours:
        return f"{hours}小时"
    return f"{max(rest // 60, 1)}分钟"


@dataclass(frozen=True)
class DeadlineBadge:
    state: str
    label: str
    css: str
    due_at: dt.datetime | None
    provisional: bool
    hint: str

    @property
    def show(self) -> bool:
        return bool(self.label)


def deadline_badge(ticket: Any, now: dt.datetime | None = None) -> DeadlineBadge:
    """The badge next to a case's due date, for lists, the case page and exports."""
    now = now or timezone.now()
    due_at = ticket.due_at
    provisional = bool(ticket.due_provisional) and due_at is not None
    if due_at is None:
        return DeadlineBadge(DeadlineState.NONE, "", "", None, False, "")
    if ticket.status == Status.SUSPENDED:
        return DeadlineBadge("suspended", "已挂起", "text-bg-dark", due_at, provisional, "挂起期间不计时")
    if ticket.status in ANSWERED_STATUSES:
        answered = ticket.replied_at or ticket.closed_at
        if answered is not None and answered > due_at:
            return DeadlineBadge(
                "late",
                "超期答复",
                "border border-danger text-danger",
                due_at,
                provisional,
                f"超期 {_span(answered - due_at)}",
            )
        return DeadlineBadge(
            "in_time", "按期答复", "border border-success text-success", due_at, provisional, ""
        )
    if ticket.status in FINAL_STATUSES:
        return DeadlineBadge(DeadlineState.NONE, "", "", due_at, provisional, "")
    state = deadline_state_at(ticket, now)
    if state == DeadlineState.OVERDUE:
        hint = f"已超期 {_span(now - due_at)}"
    elif state in (DeadlineState.WARNING, DeadlineState.NORMAL):
        hint = f"剩余 {_span(due_at - now)}"
    else:
        hint = ""
    return DeadlineBadge(
        state, DeadlineState(state).label, DEADLINE_CSS[DeadlineState(state)], due_at, provisional, hint
    )


def dispatch_badge(ticket: Any, now: dt.datetime | None = None) -> DeadlineBadge:
    """The dispatch clock's badge (派单期限, or 审核交办期限 for a case in the mayor's review) while
    the case waits for its first dispatch; an empty badge otherwise. Same colours as the unit
    deadline: green 正常, yellow 临期, red 超期, with the time left or over as the hint."""

    if not waiting(ticket):
        return DeadlineBadge(DeadlineState.NONE, "", "", None, False, "")
    now = now or timezone.now()
    due_at = ticket.dispatch_due_at
    state = dispatch_state_at(ticket, now)
    hint = (
        f"已超期 {_span(now - due_at)}" if state == DeadlineState.OVERDUE else f"剩余 {_span(due_at - now)}"
    )
    return DeadlineBadge(
        state,
        DeadlineState(state).label,
        DEADLINE_CSS[state],
        due_at,
        bool(ticket.dispatch_provisional),
        hint,
    )


def dispatch_clock_label(ticket: Any) -> str:
    return "审核交办期限" if ticket.dispatch_clock == "review" else "派单期限"


EVENT_LABELS = {
    **{a.value: a.label for a in Action},
    "intake": "受理登记",
    "note": "办理进展",
    "comment": "内部意见",
    "extension_requested": "申请延期",
    "suspension_requested": "申请挂起",
    "extension_approved": "同意延期",
    "extension_rejected": "不同意延期",
    "suspension_approved": "同意挂起",
    "suspension_rejected": "不同意挂起",
    "decide_request": "审批申请",
    "warning": "进入临期",
    "overdue": "已超期",
    "dispatch_warning": "派单临期",
    "dispatch_overdue": "派单超期",
    "duplicate_linked": "关联重复诉求",
    "merged_in": "并入重复诉求",
    "deadline_sweep": "期限巡检",
    "follow_up": "回访",
    "follow_up_escalate": "回访未解决（重办已达上限，提请督办）",
    "recheck_escalate": "回头看办结不实（重办已达上限，提请督办）",
    "rate": "企业评价",
    "attachment": "上传附件",
    "attachments_added": "补充附件",
    "deadline_recomputed": "重算办理期限",
}
# What a timeline shows for a kind nobody named (bangban/shell/tests/test_labels.py keeps this
# from happening): never the internal name.
UNNAMED_EVENT = "办理记录"


def register_event_labels(labels: dict[str, str]) -> None:
    """The apps above `tickets` name the timeline entries they write (from `AppConfig.ready()`,
    through `events.register_event_kinds`, which names their audit actions too)."""
    EVENT_LABELS.update(labels)


def event_label(kind: str) -> str:
    return EVENT_LABELS.get(kind, UNNAMED_EVENT)


# Keyed by the plain value: a list of 100 rows looks each up without building enum members.
_STATUS_CSS_BY_VALUE = {str(k.value): v for k, v in STATUS_CSS.items()}
_URGENCY_CSS_BY_VALUE = {str(k.value): v for k, v in URGENCY_CSS.items()}
STATUS_LABELS = {str(k): str(v) for k, v in Status.choices}


def status_css(status: str) -> str:
    return _STATUS_CSS_BY_VALUE.get(str(status), "text-bg-secondary")


def urgency_css(urgency: str) -> str:
    return _URGENCY_CSS_BY_VALUE.get(str(urgency), "")


def deadline_text(ticket: Any, now: dt.datetime) -> str:
    """The deadline as a word, for exports (no colours in a spreadsheet cell)."""
    badge = deadline_badge(ticket, now)
    if not badge.label:
        return ""
    return f"{badge.label}（{badge.hint}）" if badge.hint else badge.label


def local(value: dt.datetime | None) -> dt.datetime | None:
    return timezone.localtime(value) if value is not None else None
