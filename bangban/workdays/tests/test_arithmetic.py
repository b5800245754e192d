"""Tests for bangban.workdays.arithmetic (pure Python: no database, no Django)."""

from __future__ import annotations

import dataclasses
import itertools
import random
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bangban.workdays.arithmetic import SHANGHAI, Due, WorkCalendar, close_of_day

# Official 2026 schedule (国务院办公厅 2026 年部分节假日安排), as published in
# chinesecalendar 1.11.0.  Holidays include the weekend days inside each break.
HOLIDAYS_2026 = [
    date(2026, 1, 1), date(2026, 1, 2), date(2026, 1, 3),
    date(2026, 2, 15), date(2026, 2, 16), date(2026, 2, 17), date(2026, 2, 18),
    date(2026, 2, 19), date(2026, 2, 20), date(2026, 2, 21), date(2026, 2, 22),
    date(2026, 2, 23),
    date(2026, 4, 4), date(2026, 4, 5), date(2026, 4, 6),
    date(2026, 5, 1), date(2026, 5, 2), date(2026, 5, 3), date(2026, 5, 4), date(2026, 5, 5),
    date(2026, 6, 19), date(2026, 6, 20), date(2026, 6, 21),
    date(2026, 9, 25), date(2026, 9, 26), date(2026, 9, 27),
    date(2026, 10, 1), date(2026, 10, 2), date(2026, 10, 3), date(2026, 10, 4),
    date(2026, 10, 5), date(2026, 10, 6), date(2026, 10, 7),
]  # fmt: skip
# Make-up working days (调休), all on a Saturday or Sunday.
WORKDAYS_2026 = [
    date(2026, 1, 4),
    date(2026, 2, 14),
    date(2026, 2, 28),
    date(2026, 5, 9),
    date(2026, 9, 20),
    date(2026, 10, 10),
]

UTC = UTC
NEW_YORK = ZoneInfo("America/New_York")


def sh(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


@pytest.fixture(scope="module")
def cal2026() -> WorkCalendar:
    return WorkCalendar(HOLIDAYS_2026, WORKDAYS_2026, [2026])


# --- reference implementation: one day at a time ---------------------------


class Reference:
    """Day-by-day model of the rules, written independently of the module."""

    def __init__(self, holidays, workdays, loaded) -> None:
        self.holidays = set(holidays)
        self.workdays = set(workdays)
        self.loaded = set(loaded)

    def is_workday(self, d: date) -> bool:
        if d.year in self.loaded:
            if d in self.workdays:
                return True
            if d in self.holidays:
                return False
        return d.weekday() < 5

    def add(self, start: date, n: int) -> tuple[date, bool]:
        years = set()
        d = start
        if n == 0:
            years.add(d.year)
            if self.is_workday(d):
                return d, not years <= self.loaded
            n = 1
        while n:
            d += timedelta(days=1)
            years.add(d.year)
            if self.is_workday(d):
                n -= 1
        return d, not years <= self.loaded

    def count(self, after: date, upto: date) -> int:
        """Working days in (after, upto]; mirror-negative when upto < after."""
        if upto < after:
            return -self.count(upto, after)
        total = 0
        d = after + timedelta(days=1)
        while d <= upto:
            total += self.is_workday(d)
            d += timedelta(days=1)
        return total


def local_date(instant: datetime) -> date:
    return instant.astimezone(SHANGHAI).date()


# --- hand-written examples with the real 2026 schedule ---------------------


def test_national_day_example(cal2026):
    # Oct 1-7 off, Sat Oct 10 worked: 10/8, 10/9, 10/10, 10/12, 10/13.
    due = cal2026.add_workdays(sh(2026, 9, 30, 9, 15), 5)
    assert due == Due(date(2026, 10, 13), datetime(2026, 10, 13, 23, 59, 59, tzinfo=SHANGHAI), False)
    assert [cal2026.add_workdays(sh(2026, 9, 30), k).date for k in range(1, 6)] == [
        date(2026, 10, 8),
        date(2026, 10, 9),
        date(2026, 10, 10),
        date(2026, 10, 12),
        date(2026, 10, 13),
    ]


def test_national_day_example_any_time_of_day(cal2026):
    for hh, mm in [(0, 0), (12, 30), (23, 59)]:
        assert cal2026.add_workdays(sh(2026, 9, 30, hh, mm), 5).date == date(2026, 10, 13)


def test_friday_plus_two_is_tuesday(cal2026):
    due = cal2026.add_workdays(sh(2026, 11, 27, 16, 45), 2)
    assert due.date == date(2026, 12, 1)
    assert due.date.weekday() == 1
    assert due.provisional is False


def test_due_at_is_close_of_day_in_shanghai(cal2026):
    at = cal2026.add_workdays(sh(2026, 11, 27), 2).at
    assert at.tzinfo is SHANGHAI
    assert (at.hour, at.minute, at.second, at.microsecond) == (23, 59, 59, 0)
    assert at.utcoffset() == timedelta(hours=8)
    assert at.astimezone(UTC) == datetime(2026, 12, 1, 15, 59, 59, tzinfo=UTC)
    assert close_of_day(date(2026, 12, 1)) == at


def test_close_of_day_rejects_datetime():
    with pytest.raises(TypeError):
        close_of_day(datetime(2026, 1, 1, tzinfo=SHANGHAI))


def test_receipt_on_holiday(cal2026):
    # Received in the middle of the National Day break.
    assert cal2026.add_workdays(sh(2026, 10, 3, 15), 1).date == date(2026, 10, 8)
    assert cal2026.add_workdays(sh(2026, 10, 3, 15), 0).date == date(2026, 10, 8)
    # Received on the last day of the Spring Festival break (Mon Feb 23).
    assert cal2026.add_workdays(sh(2026, 2, 23), 1).date == date(2026, 2, 24)


def test_receipt_late_evening_utc_is_next_day_in_shanghai(cal2026):
    # Thu 2026-11-26 16:30 UTC is Fri 2026-11-27 00:30 in Shanghai: receipt
    # date is the Friday, so one working day later is Monday, not Friday.
    received = datetime(2026, 11, 26, 16, 30, tzinfo=UTC)
    assert cal2026.add_workdays(received, 1).date == date(2026, 11, 30)
    # One minute earlier in UTC still falls on the Thursday in Shanghai.
    assert cal2026.add_workdays(received - timedelta(minutes=31), 1).date == date(2026, 11, 27)
    # Same instant expressed in New York time gives the same answer.
    assert cal2026.add_workdays(received.astimezone(NEW_YORK), 1).date == date(2026, 11, 30)


@pytest.mark.parametrize("utc", [UTC, ZoneInfo("UTC")], ids=["timezone.utc", "ZoneInfo-UTC"])
def test_utc_input_at_the_shanghai_midnight_boundary(cal2026, utc):
    before = datetime(2026, 11, 26, 15, 59, 59, 999999, tzinfo=utc)
    after = datetime(2026, 11, 26, 16, 0, 0, tzinfo=utc)
    assert cal2026.add_workdays(before, 0).date == date(2026, 11, 26)
    assert cal2026.add_workdays(after, 0).date == date(2026, 11, 27)


def test_utc_input_during_historical_shanghai_dst():
    # China observed DST 1986-1991: on 1988-07-01 Shanghai was UTC+9, so
    # 15:30 UTC (Friday) is already 00:30 on Saturday 1988-07-02 there.
    cal = WorkCalendar([], [], [])
    received = datetime(1988, 7, 1, 15, 30, tzinfo=UTC)
    assert received.astimezone(SHANGHAI).date() == date(1988, 7, 2)
    assert cal.add_workdays(received, 0).date == date(1988, 7, 4)
    assert cal.add_workdays(datetime(1988, 1, 1, 15, 30, tzinfo=UTC), 0).date == date(1988, 1, 1)


def test_receipt_before_national_day_in_utc(cal2026):
    # 2026-09-30 16:00 UTC is already Oct 1 (a holiday) in Shanghai.
    due = cal2026.add_workdays(datetime(2026, 9, 30, 16, 0, tzinfo=UTC), 0)
    assert due.date == date(2026, 10, 8)
    due = cal2026.add_workdays(datetime(2026, 9, 30, 15, 59, tzinfo=UTC), 0)
    assert due.date == date(2026, 9, 30)


def test_n_zero(cal2026):
    assert cal2026.add_workdays(sh(2026, 11, 28), 0).date == date(2026, 11, 30)  # Saturday
    assert cal2026.add_workdays(sh(2026, 11, 29), 0).date == date(2026, 11, 30)  # Sunday
    assert cal2026.add_workdays(sh(2026, 11, 30), 0).date == date(2026, 11, 30)  # Monday
    assert cal2026.add_workdays(sh(2026, 9, 20), 0).date == date(2026, 9, 20)  # make-up Sunday
    assert cal2026.add_workdays(sh(2026, 10, 10), 0).date == date(2026, 10, 10)  # make-up Saturday


def test_make_up_days_count(cal2026):
    # Sun 2026-01-04 is worked: Friday Jan 2 is a holiday, the next working day is the Sunday.
    assert cal2026.add_workdays(sh(2026, 1, 1), 1).date == date(2026, 1, 4)
    assert cal2026.next_workday(date(2026, 1, 1)) == date(2026, 1, 4)
    assert cal2026.next_workday(date(2026, 1, 4)) == date(2026, 1, 5)


def test_is_workday(cal2026):
    assert cal2026.is_workday(date(2026, 10, 10))  # make-up Saturday
    assert not cal2026.is_workday(date(2026, 10, 1))  # Thursday holiday
    assert not cal2026.is_workday(date(2026, 10, 11))  # plain Sunday
    assert cal2026.is_workday(date(2026, 10, 9))  # plain Friday
    assert cal2026.is_loaded(2026)
    assert not cal2026.is_loaded(2027)
    assert cal2026.loaded_years == frozenset({2026})


def test_unloaded_year_is_weekends_only_and_provisional(cal2026):
    # 2027-01-01 is a Friday.  2027 is not loaded, so it counts as a working day.
    assert cal2026.is_workday(date(2027, 1, 1))
    due = cal2026.add_workdays(sh(2027, 9, 30), 5)
    assert due.date == date(2027, 10, 7)  # Fri 10/1, Mon-Thu 10/4-10/7
    assert due.provisional is True
    assert cal2026.add_workdays_to_date(date(2027, 10, 1), 0) == (date(2027, 10, 1), True)


def test_explicit_entries_in_unloaded_year_are_ignored():
    cal = WorkCalendar([date(2027, 1, 1)], [date(2027, 1, 2)], [2026])
    assert cal.is_workday(date(2027, 1, 1))
    assert not cal.is_workday(date(2027, 1, 2))


def test_range_crossing_into_unloaded_year(cal2026):
    due = cal2026.add_workdays(sh(2026, 12, 30), 5)
    # 12/31, then 2027 with weekends only: 1/1 (Fri), 1/4, 1/5, 1/6.
    assert due.date == date(2027, 1, 6)
    assert due.provisional is True
    # Staying inside 2026 is not provisional.
    assert cal2026.add_workdays(sh(2026, 12, 30), 1) == Due(
        date(2026, 12, 31), close_of_day(date(2026, 12, 31)), False
    )
    assert cal2026.workdays_between(sh(2026, 12, 30), due.at) == 5
    # December 2026: 23 weekdays, no holidays; January 2027: 21 weekdays.
    assert cal2026.workdays_in_range(date(2026, 12, 1), date(2027, 1, 31)) == 44


def test_range_crossing_from_unloaded_year_into_loaded_year(cal2026):
    # Only 2026 days decide the result: Jan 1-3 off, Sunday Jan 4 worked.
    assert cal2026.add_workdays_to_date(date(2025, 12, 31), 1) == (date(2026, 1, 4), False)
    # With n=0 the (unloaded) receipt day itself decides.
    assert cal2026.add_workdays_to_date(date(2025, 12, 31), 0) == (date(2025, 12, 31), True)
    assert cal2026.add_workdays_to_date(date(2025, 12, 27), 1) == (date(2025, 12, 29), True)


def test_gap_year_between_loaded_years():
    cal = WorkCalendar([date(2024, 12, 31), *HOLIDAYS_2026], WORKDAYS_2026, [2024, 2026])
    assert not cal.is_workday(date(2024, 12, 31))
    # 2025 is a gap: weekends only, so Jan 1 2025 (Wednesday) is a working day.
    assert cal.add_workdays_to_date(date(2024, 12, 30), 1) == (date(2025, 1, 1), True)
    assert cal.add_workdays_to_date(date(2024, 12, 27), 1) == (date(2024, 12, 30), False)
    # Crossing the whole gap year is provisional.
    d, provisional = cal.add_workdays_to_date(date(2024, 12, 30), 300)
    assert provisional is True
    assert d.year == 2026
    assert cal.workdays_in_range(date(2025, 1, 1), date(2025, 12, 31)) == 261
    # Same due date, reached with and without crossing the gap: both flags must survive caching.
    assert cal.add_workdays(sh(2025, 12, 31), 1) == Due(
        date(2026, 1, 4), close_of_day(date(2026, 1, 4)), False
    )
    assert cal.add_workdays(sh(2025, 12, 30), 2) == Due(
        date(2026, 1, 4), close_of_day(date(2026, 1, 4)), True
    )
    assert cal.add_workdays(sh(2025, 12, 31), 1).provisional is False


def test_consecutive_gap_years_cover_their_last_day():
    cal = WorkCalendar([], [], [2021, 2024])
    # Only 2023-12-31 (a Sunday in the gap 2022-2023) and 2024-01-01 are examined.
    assert cal.add_workdays_to_date(date(2023, 12, 31), 0) == (date(2024, 1, 1), True)
    assert cal.add_workdays_to_date(date(2023, 12, 31), 1) == (date(2024, 1, 1), False)
    assert cal.add_workdays_to_date(date(2021, 12, 31), 0) == (date(2021, 12, 31), False)
    assert cal.add_workdays_to_date(date(2021, 12, 31), 1) == (date(2022, 1, 3), True)


def test_no_loaded_years_at_all():
    cal = WorkCalendar([], [], [])
    assert cal.add_workdays_to_date(date(2026, 10, 1), 1) == (date(2026, 10, 2), True)
    assert cal.add_workdays_to_date(date(2026, 10, 2), 1) == (date(2026, 10, 5), True)
    assert cal.workdays_in_range(date(2026, 10, 1), date(2026, 10, 31)) == 22


def test_workdays_between(cal2026):
    assert cal2026.workdays_between(sh(2026, 9, 30), sh(2026, 10, 13)) == 5
    assert cal2026.workdays_between(sh(2026, 10, 13), sh(2026, 9, 30)) == -5
    assert cal2026.workdays_between(sh(2026, 9, 30, 1), sh(2026, 9, 30, 23)) == 0
    assert cal2026.workdays_between(sh(2026, 10, 1), sh(2026, 10, 7)) == 0
    # 16:30 UTC on 11-26 is 11-27 in Shanghai: (11-27, 11-30] holds one working day.
    assert cal2026.workdays_between(datetime(2026, 11, 26, 16, 30, tzinfo=UTC), sh(2026, 11, 30)) == 1


def test_workdays_in_range(cal2026):
    assert cal2026.workdays_in_range(date(2026, 10, 1), date(2026, 10, 31)) == 18
    assert cal2026.workdays_in_range(date(2026, 10, 10), date(2026, 10, 10)) == 1
    assert cal2026.workdays_in_range(date(2026, 10, 11), date(2026, 10, 11)) == 0
    assert cal2026.workdays_in_range(date(2026, 10, 31), date(2026, 10, 1)) == 0
    # 2026 has 248 working days: 261 weekdays - 19 weekday holidays + 6 make-up days.
    assert cal2026.workdays_in_range(date(2026, 1, 1), date(2026, 12, 31)) == 248


def test_naive_datetime_rejected(cal2026):
    with pytest.raises(ValueError):
        cal2026.add_workdays(datetime(2026, 9, 30, 10, 0), 1)
    with pytest.raises(ValueError):
        cal2026.workdays_between(datetime(2026, 9, 30), sh(2026, 10, 1))
    with pytest.raises(ValueError):
        cal2026.workdays_between(sh(2026, 9, 30), datetime(2026, 10, 1))


def test_negative_n_rejected(cal2026):
    with pytest.raises(ValueError):
        cal2026.add_workdays(sh(2026, 9, 30), -1)
    with pytest.raises(ValueError):
        cal2026.add_workdays_to_date(date(2026, 9, 30), -1)


def test_wrong_types_rejected(cal2026):
    with pytest.raises(TypeError):
        cal2026.add_workdays(date(2026, 9, 30), 1)  # a date has no time zone
    with pytest.raises(TypeError):
        cal2026.add_workdays_to_date(sh(2026, 9, 30), 1)  # datetimes need tz conversion
    with pytest.raises(TypeError):
        cal2026.is_workday(sh(2026, 9, 30))
    with pytest.raises(TypeError):
        cal2026.add_workdays(sh(2026, 9, 30), 1.5)


def test_due_is_frozen(cal2026):
    due = cal2026.add_workdays(sh(2026, 9, 30), 5)
    with pytest.raises(dataclasses.FrozenInstanceError):
        due.provisional = True  # type: ignore[misc]
    # Repeated calls give equal results (cached Due objects must not leak state).
    assert cal2026.add_workdays(sh(2026, 9, 30), 5) == due
    assert cal2026.add_workdays(sh(2027, 9, 30), 5) != cal2026.add_workdays(sh(2026, 9, 30), 5)


def test_large_n_far_beyond_loaded_span(cal2026):
    ref = Reference(HOLIDAYS_2026, WORKDAYS_2026, [2026])
    for start, n in [(date(2026, 6, 1), 3000), (date(2020, 3, 7), 2500), (date(2026, 12, 31), 777)]:
        assert cal2026.add_workdays_to_date(start, n) == ref.add(start, n)


def test_overflow_past_date_max(cal2026):
    with pytest.raises(OverflowError):
        cal2026.next_workday(date(9999, 12, 31))


def test_matches_chinese_calendar_package():
    cc = pytest.importorskip("chinese_calendar")
    holidays = list(cc.constants.holidays)
    workdays = list(cc.constants.workdays)
    years = {d.year for d in holidays}
    cal = WorkCalendar(holidays, workdays, years)
    first, last = date(min(years), 1, 1), date(max(years), 12, 31)
    d = first
    while d <= last:
        assert cal.is_workday(d) == cc.is_workday(d), d
        d += timedelta(days=1)
    rng = random.Random(20260930)
    span = (last - first).days
    for _ in range(300):
        start = first + timedelta(days=rng.randrange(span - 200))
        n = rng.randrange(0, 60)
        expect, k = start, n
        if k == 0 and cc.is_workday(expect):
            pass
        else:
            k = max(k, 1)
            while k:
                expect += timedelta(days=1)
                k -= cc.is_workday(expect)
        assert cal.add_workdays_to_date(start, n) == (expect, False), (start, n)


# --- property tests against the reference ----------------------------------

DATA_FIRST, DATA_LAST = date(2019, 1, 1), date(2024, 12, 31)


@st.composite
def calendars(draw):
    """Random explicit schedules over 2019-2024 with a random (gappy) set of loaded years."""
    runs = draw(
        st.lists(
            st.tuples(st.dates(DATA_FIRST, DATA_LAST), st.integers(1, 40)),
            max_size=30,
        )
    )
    holidays = {start + timedelta(days=i) for start, length in runs for i in range(length)}
    holidays |= draw(st.frozensets(st.dates(DATA_FIRST, DATA_LAST), max_size=80))
    workdays = draw(st.frozensets(st.dates(DATA_FIRST, DATA_LAST), max_size=60))
    loaded = draw(st.frozensets(st.integers(2019, 2024), max_size=6))
    return WorkCalendar(holidays, workdays, loaded), Reference(holidays, workdays, loaded)


TIMEZONES = st.sampled_from(
    [
        SHANGHAI,
        UTC,
        ZoneInfo("UTC"),
        NEW_YORK,
        timezone(timedelta(hours=14)),
        timezone(timedelta(hours=-12)),
    ]
)
instants = st.datetimes(
    min_value=datetime(2017, 6, 1),
    max_value=datetime(2025, 12, 31),
    timezones=TIMEZONES,
)
counts = st.integers(0, 400)


@settings(max_examples=300, deadline=None)
@given(calendars(), instants, counts)
def test_add_workdays_matches_reference(pair, received, n):
    cal, ref = pair
    due = cal.add_workdays(received, n)
    expect_date, expect_provisional = ref.add(local_date(received), n)
    assert due.date == expect_date
    assert due.provisional == expect_provisional
    assert due.at == datetime.combine(expect_date, datetime.min.time(), SHANGHAI).replace(
        hour=23, minute=59, second=59
    )
    assert due.at.tzinfo is SHANGHAI


@settings(max_examples=200, deadline=None)
@given(calendars(), instants, counts)
def test_due_is_a_working_day_and_round_trips(pair, received, n):
    cal, ref = pair
    due = cal.add_workdays(received, n)
    assert cal.is_workday(due.date)
    assert ref.is_workday(due.date)
    gap = cal.workdays_between(received, due.at)
    if n >= 1:
        assert gap == n
    else:
        assert gap == (0 if ref.is_workday(local_date(received)) else 1)


@settings(max_examples=100, deadline=None)
@given(calendars(), instants, st.integers(0, 150))
def test_monotonic_in_n(pair, received, top):
    cal, _ = pair
    dates = [cal.add_workdays(received, n).date for n in range(top + 2)]
    assert dates[0] <= dates[1]
    assert all(a < b for a, b in itertools.pairwise(dates[1:]))


@settings(max_examples=200, deadline=None)
@given(calendars(), instants, instants)
def test_workdays_between_matches_reference(pair, start, end):
    cal, ref = pair
    a, b = local_date(start), local_date(end)
    assert cal.workdays_between(start, end) == ref.count(a, b)
    assert cal.workdays_between(end, start) == -ref.count(a, b)


@settings(max_examples=200, deadline=None)
@given(calendars(), st.dates(date(2017, 1, 1), date(2026, 12, 31)), st.integers(0, 500))
def test_date_functions_match_reference(pair, first, length):
    cal, ref = pair
    last = first + timedelta(days=length)
    assert cal.is_workday(first) == ref.is_workday(first)
    assert cal.is_workday(last) == ref.is_workday(last)
    assert cal.workdays_in_range(first, last) == ref.count(first - timedelta(days=1), last)
    assert cal.next_workday(first) == ref.add(first, 1)[0]
    assert cal.add_workdays_to_date(first, length) == ref.add(first, length)
