"""The working-day calendar as the rest of the product uses it (R0.3).

`get_calendar()` returns a `WorkCalendar` (pure arithmetic, `bangban.workdays.arithmetic`) built
from the calendar tables and cached in the process. `due()` and `workdays_between()` are the two
questions other apps ask; `quote_due()` / `quote_between()` add the years that made an answer
provisional, for people.

Freshness with several processes (web workers, task workers, the scheduler):

* every change to the calendar (actions, the package loader) rewrites the one-row
  `CalendarVersion` stamp in the same transaction;
* a process compares its cached stamp with the database at most once every
  `CHECK_INTERVAL_SECONDS` (plus, cheaply, the row counts and last-change times of both tables, so
  that rows edited outside the actions are noticed too) and rebuilds when it differs;
* the process that made a change drops its cache immediately, and again when the change commits.

So another process sees a change at most `CHECK_INTERVAL_SECONDS` after it commits; the process
that made it sees it at once.

Reading never writes: `get_calendar()` and the questions built on it only read the calendar tables.
A database where no year is loaded yet (a fresh installation before it is set up) answers with
weekends only, every year provisional (`Due.provisional`, `unloaded_years`). The calendar is set up
by explicit, idempotent steps: `manage.py load_calendar` (production, see docs/operations.md),
`load_demo_city` (`make run`), `loader.ensure_calendar()` (the test fixtures), or an import on the
工作日历 page. Migrating a database never writes calendar rows or audit events by itself.

`calendar_changed` — the signal later apps listen to. It is sent once the transaction that changed
the calendar has committed, with `years=[...]`: the sorted list of years whose holidays, make-up
workdays or loaded state changed (for instance `[2027]` after 2027 is imported). Deadlines that were
computed as provisional (or that fall in those years) should be recomputed by the receiver::

    from bangban.workdays.service import calendar_changed

    def recompute(sender, years, **kwargs): ...

    calendar_changed.connect(recompute)

Receivers run through `send_robust`: a failing receiver is logged and does not undo the change.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from operator import index
from typing import Any

from django.db import transaction
from django.db.models import Count, Max
from django.dispatch import Signal
from django.utils import timezone

from bangban.core.errors import ValidationFailed

from .arithmetic import SHANGHAI, Due, WorkCalendar
from .models import CalendarDay, CalendarVersion, CalendarYear, DayKind

__all__ = [
    "CHECK_INTERVAL_SECONDS",
    "BetweenQuote",
    "DueQuote",
    "calendar_changed",
    "due",
    "get_calendar",
    "invalidate",
    "parse_instant",
    "quote_between",
    "quote_due",
    "reset_cache",
    "workdays_between",
]

logger = logging.getLogger(__name__)

CHECK_INTERVAL_SECONDS = 5.0
"""How stale another process's change may be seen here, at most (seconds)."""

calendar_changed = Signal()
"""Sent after commit with `years=[...]` (sorted ints) whenever the calendar changed. See module doc."""


# --- the per-process cache -------------------------------------------------------------------


@dataclass(frozen=True)
class _Entry:
    calendar: WorkCalendar
    stamp: tuple[Any, ...]
    checked_at: float


_lock = threading.Lock()
_entry: _Entry | None = None
# Bumped by invalidate(): a check that started before an invalidation must not be trusted after it.
_generation = 0


def _read_stamp() -> tuple[Any, ...]:
    token = CalendarVersion.objects.filter(pk=1).values_list("token", flat=True).first()
    days = CalendarDay.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    years = CalendarYear.objects.aggregate(n=Count("year"), last=Max("loaded_at"))
    return (token, days["n"], days["last"], years["n"], years["last"])


def _build() -> tuple[WorkCalendar, tuple[Any, ...]]:
    # The stamp is read before the rows: a change committed in between makes the next check
    # rebuild again, never the other way round.
    stamp = _read_stamp()
    holidays: list[dt.date] = []
    workdays: list[dt.date] = []
    for day, kind in CalendarDay.objects.filter(kind__in=[DayKind.HOLIDAY, DayKind.WORKDAY]).values_list(
        "date", "kind"
    ):
        (holidays if kind == DayKind.HOLIDAY else workdays).append(day)
    years = list(CalendarYear.objects.values_list("year", flat=True))
    return WorkCalendar(holidays, workdays, years), stamp


def get_calendar() -> WorkCalendar:
    """The current calendar; at most `CHECK_INTERVAL_SECONDS` behind another process's change."""
    global _entry
    entry = _entry
    now = time.time()
    if entry is not None and 0 <= now - entry.checked_at < CHECK_INTERVAL_SECONDS:
        return entry.calendar
    with _lock:
        entry = _entry
        if entry is not None and 0 <= now - entry.checked_at < CHECK_INTERVAL_SECONDS:
            return entry.calendar
        generation = _generation
        stamp = _read_stamp()
        if entry is not None and entry.stamp == stamp:
            calendar = entry.calendar
        else:
            calendar, stamp = _build()
        checked_at = now if generation == _generation else float("-inf")
        _entry = _Entry(calendar, stamp, checked_at)
        return calendar


def invalidate() -> None:
    """Make the next `get_calendar()` in this process check the database."""
    global _entry, _generation
    _generation += 1
    entry = _entry
    if entry is not None:
        _entry = _Entry(entry.calendar, entry.stamp, float("-inf"))


def reset_cache() -> None:
    """Forget the cached calendar entirely (tests: the database is rolled back between them)."""
    global _entry, _generation
    with _lock:
        _generation += 1
        _entry = None


# --- writing side: used by actions and the loader, inside their transaction ---------------------


def lock_calendar() -> CalendarVersion:
    """Lock the version row: calendar writers queue behind each other (call inside atomic())."""
    version, _ = CalendarVersion.objects.select_for_update().get_or_create(
        pk=1, defaults={"token": uuid.uuid4().hex, "changed_at": timezone.now()}
    )
    return version


def calendar_was_changed(version: CalendarVersion, years: Iterable[int]) -> None:
    """Record a change made in the current transaction: new stamp now, signal after commit."""
    version.token = uuid.uuid4().hex
    version.changed_at = timezone.now()
    version.save(update_fields=["token", "changed_at"])
    invalidate()
    changed = sorted({int(y) for y in years})

    def after_commit() -> None:
        invalidate()
        for receiver, result in calendar_changed.send_robust(sender=CalendarYear, years=changed):
            if isinstance(result, Exception):
                logger.error(
                    "calendar_changed receiver %r failed", receiver, exc_info=(type(result), result, None)
                )

    transaction.on_commit(after_commit)


# --- questions ---------------------------------------------------------------------------------


def _check_n(n: Any) -> int:
    try:
        value = index(n)
    except TypeError:
        raise ValidationFailed("工作日数必须是整数", code="invalid_workdays") from None
    if value < 0:
        raise ValidationFailed("工作日数不能为负数", code="negative_workdays")
    return value


def _as_instant(value: dt.datetime | dt.date) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=SHANGHAI)
    raise TypeError(f"expected a date or an aware datetime, got {type(value).__name__}")


def due(received: dt.datetime | dt.date, n: int) -> Due:
    """Deadline of `n` working days for something received at `received` (R0.3).

    The receipt day is not counted; the deadline is 23:59:59 Asia/Shanghai of the n-th working
    day after it (n = 0: the receipt day if it is a working day, else the next one). A date is
    taken as received that day. `Due.provisional` is set when a year that decided the result has
    no official calendar loaded yet (weekends only).
    """
    n = _check_n(n)
    try:
        return get_calendar().add_workdays(_as_instant(received), n)
    except OverflowError:
        raise ValidationFailed("日期超出可计算的范围", code="date_out_of_range") from None


def workdays_between(start: dt.datetime | dt.date, end: dt.datetime | dt.date) -> int:
    """Working days d with start < d <= end (Asia/Shanghai dates); negative if end < start."""
    try:
        return get_calendar().workdays_between(_as_instant(start), _as_instant(end))
    except OverflowError:
        raise ValidationFailed("日期超出可计算的范围", code="date_out_of_range") from None


def _unloaded(calendar: WorkCalendar, first: dt.date, last: dt.date) -> tuple[int, ...]:
    if last < first:
        return ()
    return tuple(y for y in range(first.year, last.year + 1) if not calendar.is_loaded(y))


@dataclass(frozen=True)
class DueQuote:
    received: dt.datetime
    n: int
    due: Due
    unloaded_years: tuple[int, ...]
    """Years without an official calendar that the count went through (empty unless provisional)."""

    @property
    def provisional(self) -> bool:
        return self.due.provisional


@dataclass(frozen=True)
class BetweenQuote:
    start: dt.datetime
    end: dt.datetime
    workdays: int
    unloaded_years: tuple[int, ...]

    @property
    def provisional(self) -> bool:
        return bool(self.unloaded_years)


def quote_due(received: dt.datetime | dt.date, n: int) -> DueQuote:
    instant = _as_instant(received)
    result = due(instant, n)
    receipt = instant.astimezone(SHANGHAI).date()
    first = receipt + dt.timedelta(days=1) if n else receipt
    years = _unloaded(get_calendar(), first, result.date) if result.provisional else ()
    return DueQuote(instant, index(n), result, years)


def quote_between(start: dt.datetime | dt.date, end: dt.datetime | dt.date) -> BetweenQuote:
    a, b = _as_instant(start), _as_instant(end)
    calendar = get_calendar()
    try:
        count = calendar.workdays_between(a, b)
        da, db = sorted([a.astimezone(SHANGHAI).date(), b.astimezone(SHANGHAI).date()])
    except OverflowError:
        raise ValidationFailed("日期超出可计算的范围", code="date_out_of_range") from None
    years = _unloaded(calendar, da + dt.timedelta(days=1), db) if da != db else ()
    return BetweenQuote(a, b, count, years)


def parse_instant(text: str) -> dt.datetime:
    """A receipt time typed by a person or sent to the API: `2026-09-30`, `2026-09-30T18:00`,
    `2026-09-30 18:00:00`, with or without an offset (`+08:00`, `Z`). Without an offset the time
    is Asia/Shanghai; a date alone is the start of that day."""
    raw = (text or "").strip()
    if not raw:
        raise ValidationFailed("请填写日期或时间", code="invalid_date")
    try:
        if len(raw) <= 10:
            day = dt.date.fromisoformat(raw)
            return dt.datetime(day.year, day.month, day.day, tzinfo=SHANGHAI)
        value = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise ValidationFailed(
            f"无法识别的日期或时间：“{raw[:40]}”（应为 2026-09-30 或 2026-09-30T18:00）", code="invalid_date"
        ) from None
    if value.tzinfo is None or value.utcoffset() is None:
        value = value.replace(tzinfo=SHANGHAI)
    return value
