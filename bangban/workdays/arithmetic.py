"""Working-day arithmetic for China's official calendar (Asia/Shanghai).

This module is deliberately free of Django and of any holiday-data package: it
only knows what it is given.  A :class:`WorkCalendar` is built from three
inputs:

* ``holidays`` -- dates that are days off although they may fall Mon-Fri;
* ``workdays`` -- make-up working days (调休), usually a Saturday or Sunday;
* ``loaded_years`` -- the years whose official schedule is known.

Rules
-----
* In a loaded year a date is a working day if it is in ``workdays``; otherwise
  it is one if it is not in ``holidays`` and falls Monday to Friday.
* In a year that is not loaded only weekends count as days off; explicit
  entries for such a year are ignored, and any result that depended on a day
  of such a year is flagged ``provisional``.
* Deadlines: the day of receipt is not counted.  A deadline of ``n`` working
  days ends at the close (23:59:59 Asia/Shanghai) of the ``n``-th working day
  after the receipt date.  ``n == 0`` (即办) ends at the close of the receipt
  day when that is a working day, else at the close of the next working day.

Implementation
--------------
Every date is handled as its proleptic Gregorian ordinal.  Working days are
counted by a cumulative function ``W(o)`` = number of working days on or
before ordinal ``o``.  Inside the span of loaded years (1 January of the first
loaded year to 31 December of the last, gap years included and counted with the
weekend rule) ``W`` is a ``bisect`` over the sorted working-day ordinals;
outside it ``W`` is closed-form weekend arithmetic.  Adding ``n`` working days
is then ``W⁻¹(W(start) + n)``, and counting between two dates is a difference
of ``W``: both are O(log n) whatever the distance.
"""

from __future__ import annotations

import datetime as _dt
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from operator import index as _index
from zoneinfo import ZoneInfo

__all__ = ["SHANGHAI", "Due", "WorkCalendar", "close_of_day"]

SHANGHAI = ZoneInfo("Asia/Shanghai")

_date = _dt.date
_datetime = _dt.datetime
_MAX_ORDINAL = _dt.date.max.toordinal()
_UTC = _dt.UTC
_ZONE_UTC = ZoneInfo("UTC")
_EIGHT_HOURS = _dt.timedelta(hours=8)


def _fixed_offset_window() -> tuple[int, int]:
    """Ordinals [lo, hi) of UTC dates on which Asia/Shanghai is exactly UTC+8.

    China last observed DST in 1991.  Rather than trusting that forever, the
    installed tz database is probed four times a year up to 2100; the window ends
    at the first year where an offset other than +08:00 shows up.
    """
    for year in range(1992, 2101):
        for month in (1, 4, 7, 10):
            probe = _dt.datetime(year, month, 1, tzinfo=_UTC)
            if probe.astimezone(SHANGHAI).utcoffset() != _EIGHT_HOURS:
                return _dt.date(1992, 1, 1).toordinal(), _dt.date(year, 1, 1).toordinal()
    return _dt.date(1992, 1, 1).toordinal(), _dt.date(2101, 1, 1).toordinal()


# For UTC input inside this window the local date is the UTC date, plus one
# from 16:00 UTC on: no datetime object needs to be created.
_FIXED_LO, _FIXED_HI = _fixed_offset_window()

# Due objects are cached per (due date, provisional); past this many entries
# the cache is simply emptied (the set of distinct due dates is small).
_DUE_CACHE_LIMIT = 1 << 16


@dataclass(frozen=True, slots=True)
class Due:
    """The outcome of a deadline computation."""

    date: _dt.date
    """The working day on which the deadline falls."""
    at: _dt.datetime
    """Aware instant: 23:59:59 Asia/Shanghai on :attr:`date`."""
    provisional: bool
    """True when a day that decided the result lies in a year not loaded."""


def close_of_day(d: _dt.date) -> _dt.datetime:
    """Return 23:59:59.000000 Asia/Shanghai on the date ``d``."""
    if isinstance(d, _datetime):
        raise TypeError("close_of_day() takes a date, not a datetime")
    return _datetime(d.year, d.month, d.day, 23, 59, 59, tzinfo=SHANGHAI)


# --- weekend-only arithmetic on ordinals -----------------------------------
# Ordinal 1 (0001-01-01) is a Monday, so the weekday of ordinal o is (o - 1) % 7.


def _weekdays_upto(o: int) -> int:
    """Number of Monday-Friday days among ordinals 1..o (0 for o <= 0)."""
    q, r = divmod(o, 7)
    return 5 * q + (r if r < 5 else 5)


def _weekday_number(t: int) -> int:
    """Ordinal of the t-th Monday-Friday day counted from ordinal 1 (t >= 1)."""
    q, r = divmod(t - 1, 5)
    return 7 * q + r + 1


def _check_date(d: object, what: str) -> int:
    """Return the ordinal of a plain date; reject datetimes and other types."""
    if type(d) is _date:
        return d.toordinal()
    if isinstance(d, _datetime):
        raise TypeError(f"{what} must be a date, not a datetime (convert it to Asia/Shanghai first)")
    if isinstance(d, _date):
        return d.toordinal()
    raise TypeError(f"{what} must be a date, got {type(d).__name__}")


def _local_ordinal(instant: _dt.datetime) -> int:
    """Ordinal of the Asia/Shanghai calendar date of an aware datetime."""
    try:
        tz = instant.tzinfo
    except AttributeError:
        raise TypeError(f"expected an aware datetime, got {type(instant).__name__}") from None
    if tz is SHANGHAI:
        return instant.toordinal()
    if tz is _UTC or tz is _ZONE_UTC:
        o = instant.toordinal()
        if _FIXED_LO <= o < _FIXED_HI:
            return o + 1 if instant.hour >= 16 else o
    if tz is None or tz.utcoffset(instant) is None:
        raise ValueError("naive datetime: an aware datetime is required")
    return instant.astimezone(SHANGHAI).toordinal()


def _check_n(n: int) -> int:
    if type(n) is not int:
        n = _index(n)
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    return n


class WorkCalendar:
    """China's working-day calendar for a known set of years.

    Instances are immutable after construction and safe to share between
    threads.
    """

    __slots__ = (
        "_base_after",
        "_base_before",
        "_due_cache",
        "_flags",
        "_gap_ends",
        "_gap_starts",
        "_hi",
        "_lo",
        "_ords",
        "_w_hi",
        "loaded_years",
    )

    loaded_years: frozenset[int]

    def __init__(
        self,
        holidays: Iterable[_dt.date],
        workdays: Iterable[_dt.date],
        loaded_years: Iterable[int],
    ) -> None:
        years = frozenset(_index(y) for y in loaded_years)
        for y in years:
            if not _dt.MINYEAR <= y <= _dt.MAXYEAR:
                raise ValueError(f"loaded year out of range: {y}")
        self.loaded_years = years
        off = {_check_date(d, "holiday") for d in holidays}
        on = {_check_date(d, "workday") for d in workdays}

        ords: list[int] = []
        gap_starts: list[int] = []
        gap_ends: list[int] = []
        if years:
            first, last = min(years), max(years)
            lo = _date(first, 1, 1).toordinal()
            hi = _date(last, 12, 31).toordinal()
            flags = bytearray(hi - lo + 1)
            for year in range(first, last + 1):
                y0 = _date(year, 1, 1).toordinal()
                y1 = _date(year, 12, 31).toordinal()
                loaded = year in years
                if not loaded:
                    if gap_ends and gap_ends[-1] == y0 - 1:
                        gap_ends[-1] = y1
                    else:
                        gap_starts.append(y0)
                        gap_ends.append(y1)
                for o in range(y0, y1 + 1):
                    if loaded and o in on:
                        working = True
                    elif loaded and o in off:
                        working = False
                    else:
                        working = (o - 1) % 7 < 5
                    if working:
                        ords.append(o)
                        flags[o - lo] = 1
        else:
            # Nothing loaded: an empty span placed before every real date, so
            # that every ordinal falls in the "after the span" branch.
            lo, hi = 1, 0
            flags = bytearray()

        self._lo = lo
        self._hi = hi
        self._ords = ords
        self._flags = bytes(flags)
        self._gap_starts = gap_starts
        self._gap_ends = gap_ends
        # W(o) = _base_before... see _cum(); cached constants of that function.
        self._base_before = _weekdays_upto(lo - 1)
        self._base_after = self._base_before + len(ords)
        self._w_hi = _weekdays_upto(hi)
        self._due_cache: dict[int, Due] = {}

    # --- core ordinal machinery ------------------------------------------

    def _cum(self, o: int) -> int:
        """W(o): number of working days with ordinal <= o."""
        if o < self._lo:
            return _weekdays_upto(o)
        if o <= self._hi:
            return self._base_before + bisect_right(self._ords, o)
        return self._base_after + _weekdays_upto(o) - self._w_hi

    def _nth(self, t: int) -> int:
        """W⁻¹(t): the smallest ordinal o with W(o) >= t (t >= 1)."""
        if t <= self._base_before:
            o = _weekday_number(t)
        elif t <= self._base_after:
            return self._ords[t - self._base_before - 1]
        else:
            o = _weekday_number(self._w_hi + t - self._base_after)
        if o > _MAX_ORDINAL:
            raise OverflowError("result is after date.max")
        return o

    def _touches_unloaded(self, a: int, b: int) -> bool:
        """True if any ordinal in [a, b] lies in a year that is not loaded."""
        if a < self._lo or b > self._hi:
            return True
        ends = self._gap_ends
        if ends:
            i = bisect_left(ends, a)
            return i < len(ends) and self._gap_starts[i] <= b
        return False

    def _due_ordinal(self, s: int, n: int) -> tuple[int, bool]:
        """Deadline ordinal for receipt ordinal ``s`` and ``n`` >= 0 working days."""
        if n:
            o = self._nth(self._cum(s) + n)
            first = s + 1
        else:
            # First working day on or after s.
            o = self._nth(self._cum(s - 1) + 1)
            first = s
        return o, self._touches_unloaded(first, o)

    def _due(self, o: int, provisional: bool) -> Due:
        key = o + o + provisional
        due = self._due_cache.get(key)
        if due is None:
            d = _date.fromordinal(o)
            due = Due(d, _datetime(d.year, d.month, d.day, 23, 59, 59, tzinfo=SHANGHAI), provisional)
            cache = self._due_cache
            if len(cache) >= _DUE_CACHE_LIMIT:
                cache.clear()
            cache[key] = due
        return due

    # --- public API -------------------------------------------------------

    def is_loaded(self, year: int) -> bool:
        """Whether the official schedule of ``year`` is known."""
        return year in self.loaded_years

    def is_workday(self, d: _dt.date) -> bool:
        """Whether ``d`` is a working day (weekend rule in unloaded years)."""
        o = _check_date(d, "d")
        if self._lo <= o <= self._hi:
            return self._flags[o - self._lo] == 1
        return (o - 1) % 7 < 5

    def add_workdays(self, received: _dt.datetime, n: int) -> Due:
        """Deadline for something received at the aware instant ``received``.

        The receipt date is the Asia/Shanghai date of ``received``; the result
        is the close of the ``n``-th working day after it (see module doc for
        ``n == 0``).  Raises ValueError for a naive datetime or ``n < 0``.
        """
        # Hot path: inlined versions of _local_ordinal, _check_n, _due_ordinal.
        tz = getattr(received, "tzinfo", None)
        s = received.toordinal() if tz is SHANGHAI else _local_ordinal(received)
        if type(n) is not int or n < 0:
            n = _check_n(n)
        o, provisional = self._due_ordinal(s, n)
        return self._due(o, provisional)

    def add_workdays_to_date(self, start: _dt.date, n: int) -> tuple[_dt.date, bool]:
        """Same rule as :meth:`add_workdays` on a receipt date.

        Returns ``(due_date, provisional)``.
        """
        s = _check_date(start, "start")
        n = _check_n(n)
        o, provisional = self._due_ordinal(s, n)
        return _date.fromordinal(o), provisional

    def workdays_between(self, start: _dt.datetime, end: _dt.datetime) -> int:
        """Working days d with start_date < d <= end_date (Asia/Shanghai dates).

        Negative (the mirror count) when ``end`` is before ``start``; 0 when
        both fall on the same local date.
        """
        a = _local_ordinal(start)
        b = _local_ordinal(end)
        if a == b:
            return 0
        return self._cum(b) - self._cum(a)

    def next_workday(self, d: _dt.date) -> _dt.date:
        """The first working day strictly after ``d``."""
        o = _check_date(d, "d")
        return _date.fromordinal(self._nth(self._cum(o) + 1))

    def workdays_in_range(self, first: _dt.date, last: _dt.date) -> int:
        """Number of working days in ``[first, last]``; 0 when last < first."""
        a = _check_date(first, "first")
        b = _check_date(last, "last")
        if b < a:
            return 0
        return self._cum(b) - self._cum(a - 1)

    def __repr__(self) -> str:
        years = sorted(self.loaded_years)
        span = f"{years[0]}..{years[-1]}" if years else "none"
        return f"<WorkCalendar loaded={span} ({len(years)} years)>"
