"""The dispatch clock (派单时限): a case has a time limit from the first minute, not only once a
unit holds it.

The rules (docs/case-lifecycle.md, "The dispatch clock", has worked examples):

* at intake every case gets a dispatch clock: `review` for a mayor-channel case (市长直通车, reviewed
  and signed before it is dispatched, see bangban/escalation), `dispatch` for every other channel;
* the limit is read from `DispatchClockSettings` (default 1 working day to dispatch, 3 working days
  for the mayor's review from receipt to 交办) and copied onto the case (`dispatch_workdays`): a
  later change of the setting applies to cases received afterwards only;
* due and warning instants follow the case deadline rule (`deadlines.compute_deadline`): the day of
  receipt is not counted, the clock ends at 23:59:59 Asia/Shanghai of the N-th working day; the
  warning starts at the close of working day max(N − warn, 0); counted in a year without an official
  calendar, only weekends are skipped and the result is provisional (recomputed with the case's
  own deadline once the year is loaded);
* the clock is settled once — at the first dispatch (a mayor-channel case is dispatched by the
  review flow's 交办), on 当场办结, on merge or on withdrawal — and `dispatch_settled_at` records when;
  a case returned to the dispatchers (退单) does not restart it: from its first dispatch on, the
  case's handling deadline runs and keeps running while it waits for re-dispatch;
* the unit's own deadline (`due_at`) is not touched: it still starts at the first dispatch.

Nothing here queries except `current_settings()`; the sweeper marks 临期/超期 set-based.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .deadlines import compute_deadline
from .models import Channel, DispatchClock, DispatchClockSettings, Ticket
from .workflow import DeadlineState, Status

__all__ = [
    "CLOCK_FIELDS",
    "current_settings",
    "dispatch_state_at",
    "settle",
    "start",
    "waiting",
]

CLOCK_FIELDS = [
    "dispatch_clock",
    "dispatch_workdays",
    "dispatch_due_at",
    "dispatch_warn_at",
    "dispatch_provisional",
    "dispatch_state",
]


def current_settings() -> DispatchClockSettings:
    """The settings row (created with the defaults on first use)."""
    row = DispatchClockSettings.objects.filter(pk=1).first()
    if row is None:
        row, _ = DispatchClockSettings.objects.get_or_create(pk=1)
    return row


def kind_for(channel: str) -> DispatchClock:
    return DispatchClock.REVIEW if channel == Channel.MAYOR else DispatchClock.DISPATCH


def start(
    ticket: Ticket, received_at: dt.datetime, settings: DispatchClockSettings | None = None
) -> list[str]:
    """Start the dispatch clock of a case received at `received_at` (not saved). Returns the
    fields it set."""
    settings = settings or current_settings()
    kind = kind_for(ticket.channel)
    workdays = settings.review_workdays if kind == DispatchClock.REVIEW else settings.dispatch_workdays
    deadline = compute_deadline(received_at, workdays, settings.warn_workdays)
    ticket.dispatch_clock = kind
    ticket.dispatch_workdays = workdays
    ticket.dispatch_due_at = deadline.due_at
    ticket.dispatch_warn_at = deadline.warn_at
    ticket.dispatch_provisional = deadline.provisional
    ticket.dispatch_state = DeadlineState.NORMAL
    return list(CLOCK_FIELDS)


def waiting(ticket: Any) -> bool:
    """The case still waits for its first dispatch and its dispatch clock runs."""
    return bool(
        ticket.dispatch_due_at is not None
        and ticket.dispatch_settled_at is None
        and ticket.status == Status.PENDING_DISPATCH
    )


def dispatch_state_at(ticket: Any, now: dt.datetime) -> DeadlineState:
    """The dispatch clock's colour at `now`: live while the case waits, the stored state once the
    clock was settled (the state it had then), NONE without a clock."""
    if ticket.dispatch_due_at is None:
        return DeadlineState.NONE
    if not waiting(ticket):
        return DeadlineState(ticket.dispatch_state)
    if now >= ticket.dispatch_due_at:
        return DeadlineState.OVERDUE
    if ticket.dispatch_warn_at is not None and now >= ticket.dispatch_warn_at:
        return DeadlineState.WARNING
    return DeadlineState.NORMAL


def settle(ticket: Ticket, now: dt.datetime) -> list[str]:
    """Stop the dispatch clock (first dispatch, 当场办结, merge, withdrawal); a second call changes
    nothing. The stored state becomes the state at that moment: 超期 if the limit had passed (with
    `dispatch_overdue_at` set if no sweep had seen it yet). Returns the fields it set."""
    if ticket.dispatch_due_at is None or ticket.dispatch_settled_at is not None:
        return []
    state = dispatch_state_at(ticket, now)
    ticket.dispatch_settled_at = now
    ticket.dispatch_state = state
    fields = ["dispatch_settled_at", "dispatch_state"]
    if state == DeadlineState.OVERDUE and ticket.dispatch_overdue_at is None:
        ticket.dispatch_overdue_at = now
        fields.append("dispatch_overdue_at")
    return fields
