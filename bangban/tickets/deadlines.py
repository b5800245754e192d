"""Handling deadlines of cases in working days (R2.2, R8.3, R0.3).

The rules (docs/case-lifecycle.md has worked examples):

* the clock starts when the lead unit receives the case — the FIRST dispatch
  (`deadline_start = dispatched_at`); returns and reassignments keep it, so bouncing a case
  between units does not restart the enterprise's clock;
* due = close (23:59:59 Asia/Shanghai) of the N-th working day after the start, N from the
  `DeadlinePolicy` of the case's channel × urgency (0 = 即办: close of the day of receipt, or of the
  next working day when received on a day off);
* 临期 (warning) starts at due(start, max(N − warn, 0)): with the default warn = 1 the case turns
  yellow after the close of the working day before the due date; 超期 once due has passed;
* an approved extension (延期) moves due and warn by its working days; a suspension (挂起) stops
  the clock, and on resume both move by the working days spent suspended;
* a reopen (重办) starts a fresh deadline from the reopen instant, with the same number of days.

Everything here reads the calendar through `bangban.workdays.service`; nothing writes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from bangban.core import rawsql
from bangban.core.errors import ApplicationError
from bangban.workdays.arithmetic import SHANGHAI, close_of_day
from bangban.workdays.service import due, get_calendar, workdays_between

from .models import Channel, DeadlinePolicy, Urgency
from .workflow import OPEN_STATUSES, DeadlineState, Status

__all__ = [
    "Deadline",
    "DeadlineRuleMissing",
    "compute_deadline",
    "deadline_for_policy",
    "deadline_state_at",
    "policy_for",
    "shift_deadline",
    "suspended_workdays",
]


class DeadlineRuleMissing(ApplicationError):
    code = "deadline_rule_missing"
    message = "未配置办理时限规则，请联系管理员"
    status = 400


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def policy_for(channel: str, urgency: str) -> DeadlinePolicy:
    """The policy of channel × urgency, or DeadlineRuleMissing naming both in Chinese."""
    # One plain statement (every first dispatch reads it); (channel, urgency) is unique.
    sql = (
        f'SELECT {rawsql.columns(DeadlinePolicy, "p")} FROM {rawsql.table(DeadlinePolicy)} "p" '
        'WHERE "p"."channel" = %s AND "p"."urgency" = %s'
    )
    rows = rawsql.fetch(DeadlinePolicy, sql, [channel, urgency])
    policy = rawsql.load(DeadlinePolicy, rows[0]) if rows else None
    if policy is None:
        raise DeadlineRuleMissing(
            f"未配置“{_label(Channel, channel)}·{_label(Urgency, urgency)}”的办理时限规则，请联系管理员"
        )
    return policy


@dataclass(frozen=True)
class Deadline:
    start: dt.datetime
    workdays: int
    warn_workdays: int
    due_at: dt.datetime
    warn_at: dt.datetime
    provisional: bool


def compute_deadline(start: dt.datetime, workdays: int, warn_workdays: int = 1) -> Deadline:
    """Due and warning instants for a case received by its unit at `start`."""
    result = due(start, workdays)
    warn = due(start, max(workdays - warn_workdays, 0))
    return Deadline(
        start=start,
        workdays=workdays,
        warn_workdays=warn_workdays,
        due_at=result.at,
        warn_at=warn.at,
        provisional=result.provisional or warn.provisional,
    )


def deadline_for_policy(start: dt.datetime, policy: DeadlinePolicy) -> Deadline:
    return compute_deadline(start, policy.workdays, policy.warn_workdays)


def _local_date(instant: dt.datetime) -> dt.date:
    return instant.astimezone(SHANGHAI).date()


def shift_deadline(
    due_at: dt.datetime, warn_at: dt.datetime | None, workdays: int
) -> tuple[dt.datetime, dt.datetime, bool]:
    """Move a due instant (and its warning instant) later by `workdays` working days: the new due
    date is the `workdays`-th working day after the old one (a due date is always a working day,
    so shifting twice is the same as shifting once by the sum). Returns (due_at, warn_at,
    provisional)."""
    calendar = get_calendar()
    new_due, p1 = calendar.add_workdays_to_date(_local_date(due_at), workdays)
    warn_source = warn_at if warn_at is not None else due_at
    new_warn, p2 = calendar.add_workdays_to_date(_local_date(warn_source), workdays)
    return close_of_day(new_due), close_of_day(new_warn), p1 or p2


def suspended_workdays(suspended_at: dt.datetime, resumed_at: dt.datetime) -> int:
    """Working days lost to a suspension: those after the day it started, up to and including
    the day it ended (the same rule as "the day of receipt is not counted")."""
    return max(workdays_between(suspended_at, resumed_at), 0)


def deadline_state_at(ticket: Any, now: dt.datetime) -> DeadlineState:
    """The colour of a case at `now`, computed live from its due and warning instants.

    A case without a deadline has none; a suspended, answered or finished case keeps the state
    it had when its clock stopped (the stored `deadline_state`)."""
    if ticket.due_at is None:
        return DeadlineState.NONE
    status = Status(ticket.status)
    if status == Status.SUSPENDED or status not in OPEN_STATUSES:
        return DeadlineState(ticket.deadline_state)
    if now >= ticket.due_at:
        return DeadlineState.OVERDUE
    if ticket.warn_at is not None and now >= ticket.warn_at:
        return DeadlineState.WARNING
    return DeadlineState.NORMAL
