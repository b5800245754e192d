"""Monthly figures of the case system for the dispatching office (派单及时率). Read-only, one query
per call; `bangban.supervision` reads them (its `sources.py` is the only reader outside tickets).
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, F, Q
from django.utils import timezone

from bangban.core.errors import ValidationFailed
from bangban.workdays.arithmetic import SHANGHAI

from .models import DispatchClock, Ticket
from .workflow import Status

__all__ = ["dispatch_month_figures", "month_bounds"]


def month_bounds(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of a calendar month in Asia/Shanghai."""
    try:
        year, month = int(year), int(month)
        start = dt.datetime(year, month, 1, tzinfo=SHANGHAI)
    except (TypeError, ValueError):
        raise ValidationFailed("年份或月份无效（月份为 1–12）", code="invalid_month") from None
    end = dt.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=SHANGHAI)
    return start, end


def _rate(numerator: int, denominator: int) -> float | None:
    """A percentage with 2 decimals, rounded half up (exactly, before it becomes a float)."""
    if not denominator:
        return None
    return float((Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.01"), ROUND_HALF_UP))


def dispatch_month_figures(year: int, month: int, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """How quickly the cases received in `year`-`month` (Asia/Shanghai, by `received_at`) were
    dispatched, as of `now` (default: the current time).

    Only cases with a dispatch clock count (every case received since the clock exists). Cases of
    the ordinary dispatch clock (`dispatch_clock = "dispatch"`, every channel but the mayor's):

    - `received`: how many;
    - `dispatched_in_time`: first dispatch (the clock was settled and the case has a dispatch time)
      at or before `dispatch_due_at`;
    - `dispatched_late`: first dispatch after `dispatch_due_at`;
    - `waiting_overdue`: still waiting for the first dispatch at `now`, and `dispatch_due_at` has
      passed;
    - `waiting`: still waiting, not yet overdue;
    - `closed_without_dispatch`: settled without a dispatch (当场办结, merged or withdrawn) —
      neither in time nor late, not in the rate;
    - `decided` = dispatched_in_time + dispatched_late + waiting_overdue (the cases whose outcome is
      known: a waiting case already overdue can only be late);
    - `on_time_rate` (派单及时率) = dispatched_in_time / decided × 100, a float rounded half up to
      2 decimals (33.33), or None when `decided` is 0.

    Mayor-channel cases (`dispatch_clock = "review"`, limit from receipt to 交办 after the sign-off
    chain) are counted apart with the same rules: `review_received`, `review_dispatched_in_time`,
    `review_dispatched_late`, `review_waiting_overdue` (waiting in the mayor's review, overdue),
    `review_waiting`.

    As of `now`: a case received after `now` is not counted yet and a settlement after `now` counts
    as still waiting, so the figure of a past moment is reproducible.
    """
    start, end = month_bounds(year, month)
    now = now or timezone.now()
    settled = Q(dispatch_settled_at__isnull=False, dispatch_settled_at__lte=now)
    dispatched = settled & Q(dispatched_at__isnull=False)
    waiting = (~settled & Q(status=Status.PENDING_DISPATCH)) | Q(dispatch_settled_at__gt=now)
    in_time = dispatched & Q(dispatch_settled_at__lte=F("dispatch_due_at"))
    late = dispatched & Q(dispatch_settled_at__gt=F("dispatch_due_at"))
    overdue = waiting & Q(dispatch_due_at__lte=now)
    not_overdue = waiting & Q(dispatch_due_at__gt=now)
    without = settled & Q(dispatched_at__isnull=True)
    conditions = {
        "received": Q(),
        "dispatched_in_time": in_time,
        "dispatched_late": late,
        "waiting_overdue": overdue,
        "waiting": not_overdue,
        "closed_without_dispatch": without,
    }
    aggregates: dict[str, Any] = {}
    for kind, prefix in ((DispatchClock.DISPATCH, ""), (DispatchClock.REVIEW, "review_")):
        for name, condition in conditions.items():
            if prefix and name == "closed_without_dispatch":
                continue
            aggregates[f"{prefix}{name}"] = Count("pk", filter=Q(dispatch_clock=kind) & condition)
    counts = Ticket.objects.filter(
        received_at__gte=start, received_at__lt=end, received_at__lte=now, dispatch_due_at__isnull=False
    ).aggregate(**aggregates)
    decided = counts["dispatched_in_time"] + counts["dispatched_late"] + counts["waiting_overdue"]
    return {
        "year": int(year),
        "month": int(month),
        **{name: int(value or 0) for name, value in counts.items()},
        "decided": decided,
        "on_time_rate": _rate(counts["dispatched_in_time"], decided),
    }
