"""The calendar as other apps use it: deadlines, freshness across processes, calendar_changed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from bangban.core.errors import ValidationFailed
from bangban.workdays import service
from bangban.workdays.actions import do_import_year, do_remove_day, do_set_day
from bangban.workdays.arithmetic import SHANGHAI
from bangban.workdays.models import CalendarDay, CalendarSource, CalendarVersion, CalendarYear, DayKind
from bangban.workdays.service import (
    calendar_changed,
    due,
    get_calendar,
    parse_instant,
    quote_between,
    quote_due,
    workdays_between,
)

from .conftest import SCHEDULE_2027, csv_upload


class Received:
    def __init__(self) -> None:
        self.calls: list[list[int]] = []

    def __call__(self, sender: Any, years: list[int], **kwargs: Any) -> None:
        self.calls.append(years)


@pytest.fixture
def received() -> Any:
    receiver = Received()
    calendar_changed.connect(receiver)
    yield receiver
    calendar_changed.disconnect(receiver)


def test_national_day_deadline_runs_through_the_holiday_and_the_makeup_saturday(
    package_calendar: Any,
) -> None:
    result = due(dt.datetime(2026, 9, 30, 18, 0, tzinfo=SHANGHAI), 5)

    assert result.date == dt.date(2026, 10, 13)
    assert result.at == dt.datetime(2026, 10, 13, 23, 59, 59, tzinfo=SHANGHAI)
    assert result.provisional is False


def test_receipt_late_in_the_evening_utc_counts_from_the_shanghai_date(package_calendar: Any) -> None:
    # 2026-09-29 17:00 UTC is 2026-09-30 01:00 in Shanghai
    assert due(dt.datetime(2026, 9, 29, 17, 0, tzinfo=dt.UTC), 5).date == dt.date(2026, 10, 13)


def test_a_deadline_in_a_year_not_loaded_is_provisional_and_weekend_only(package_calendar: Any) -> None:
    quote = quote_due(dt.date(2026, 12, 28), 5)

    # 12-29, 12-30, 12-31, then 2027-01-01 (a Friday: no holiday known yet) and Monday 01-04
    assert quote.due.date == dt.date(2027, 1, 4)
    assert quote.provisional is True
    assert quote.unloaded_years == (2027,)


def test_dates_outside_any_loaded_calendar_are_reckoned_on_weekends_only(package_calendar: Any) -> None:
    before = quote_due(dt.date(1999, 9, 30), 5)  # 1999 is before the package's first year
    assert before.due.date == dt.date(1999, 10, 7)
    assert before.provisional and before.unloaded_years == (1999,)
    between = quote_between(dt.date(2030, 1, 1), dt.date(2030, 1, 31))
    assert between.workdays == 22
    assert between.provisional and between.unloaded_years == (2030,)


def test_counting_between_two_instants(package_calendar: Any) -> None:
    start = dt.datetime(2026, 9, 30, 9, 0, tzinfo=SHANGHAI)
    end = dt.datetime(2026, 10, 13, 17, 0, tzinfo=SHANGHAI)
    assert workdays_between(start, end) == 5
    assert workdays_between(end, start) == -5
    assert quote_between(start, end).provisional is False


def test_negative_workdays_are_rejected(package_calendar: Any) -> None:
    with pytest.raises(ValidationFailed) as caught:
        due(dt.date(2026, 9, 30), -1)
    assert caught.value.code == "negative_workdays"


def test_a_date_near_the_end_of_time_is_rejected_not_crashed(package_calendar: Any) -> None:
    with pytest.raises(ValidationFailed) as caught:
        due(dt.date(9999, 12, 30), 10)
    assert caught.value.code == "date_out_of_range"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-09-30", dt.datetime(2026, 9, 30, 0, 0, tzinfo=SHANGHAI)),
        ("2026-09-30T18:00", dt.datetime(2026, 9, 30, 18, 0, tzinfo=SHANGHAI)),
        ("2026-09-30 18:00:05", dt.datetime(2026, 9, 30, 18, 0, 5, tzinfo=SHANGHAI)),
        ("2026-09-30T10:00:00Z", dt.datetime(2026, 9, 30, 18, 0, tzinfo=SHANGHAI)),
    ],
)
def test_parse_instant_reads_dates_and_times(text: str, expected: dt.datetime) -> None:
    assert parse_instant(text) == expected


@pytest.mark.parametrize("text", ["", "2026-13-01", "tomorrow", "2026-02-30T10:00", "30/09/2026"])
def test_parse_instant_rejects_what_is_not_a_date(text: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_instant(text)
    assert caught.value.code == "invalid_date"


def test_importing_2027_makes_the_same_question_final_and_signals_2027(
    world: Any, package_calendar: Any, received: Any, django_capture_on_commit_callbacks: Any
) -> None:
    assert quote_due(dt.date(2026, 12, 28), 5).provisional is True
    assert received.calls == []

    with django_capture_on_commit_callbacks(execute=True):
        do_import_year(acting_user=world.admin, year=2027, uploaded_file=csv_upload(SCHEDULE_2027))

    assert received.calls == [[2027]]
    quote = quote_due(dt.date(2026, 12, 28), 5)
    assert quote.provisional is False
    assert quote.due.date == dt.date(2027, 1, 5)  # 2027-01-01..03 are now holidays


def test_set_and_remove_signal_the_year_of_the_day(
    world: Any, package_calendar: Any, received: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        do_set_day(acting_user=world.admin, date=dt.date(2025, 12, 31), kind=DayKind.HOLIDAY, name="")
    with django_capture_on_commit_callbacks(execute=True):
        do_remove_day(acting_user=world.admin, date=dt.date(2026, 10, 10))
    assert received.calls == [[2025], [2026]]


def test_loading_the_package_signals_every_year_loaded(
    db: Any, received: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from bangban.workdays.loader import load_package_years

    with django_capture_on_commit_callbacks(execute=True):
        load_package_years([2025, 2026])
    assert received.calls == [[2025, 2026]]


def test_no_signal_when_the_change_is_rolled_back(
    world: Any,
    package_calendar: Any,
    received: Any,
    monkeypatch: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    class Abort(Exception):
        pass

    def failing_record(*args: Any, **kwargs: Any) -> None:
        raise Abort

    monkeypatch.setattr("bangban.workdays.actions.record", failing_record)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Abort):
        do_set_day(acting_user=world.admin, date=dt.date(2026, 12, 31), kind=DayKind.HOLIDAY, name="")

    assert received.calls == []
    assert not CalendarDay.objects.filter(date=dt.date(2026, 12, 31)).exists()
    assert get_calendar().is_workday(dt.date(2026, 12, 31)) is True


def test_a_change_here_is_seen_here_at_once(world: Any, package_calendar: Any) -> None:
    with time_machine.travel(dt.datetime(2026, 11, 1, 9, 0, tzinfo=SHANGHAI), tick=False):
        assert due(dt.date(2026, 12, 29), 2).date == dt.date(2026, 12, 31)

        do_set_day(acting_user=world.admin, date=dt.date(2026, 12, 31), kind=DayKind.HOLIDAY, name="")

        # same instant: no waiting for the check interval
        assert due(dt.date(2026, 12, 29), 2).date == dt.date(2027, 1, 1)


def test_another_process_change_is_seen_within_the_check_interval(package_calendar: Any) -> None:
    start = dt.datetime(2026, 11, 1, 9, 0, tzinfo=SHANGHAI)
    with time_machine.travel(start, tick=False) as traveller:
        calendar = get_calendar()
        assert calendar.is_workday(dt.date(2026, 12, 31)) is True

        # Another process: it writes the rows and the version stamp; this process's cache knows nothing.
        CalendarDay.objects.create(
            date=dt.date(2026, 12, 31), kind=DayKind.HOLIDAY, name="", source=CalendarSource.MANUAL
        )
        CalendarVersion.objects.filter(pk=1).update(token="changed-elsewhere")

        traveller.shift(service.CHECK_INTERVAL_SECONDS - 1)
        assert get_calendar() is calendar  # still within the interval: not even a query
        assert get_calendar().is_workday(dt.date(2026, 12, 31)) is True

        traveller.shift(1)
        assert get_calendar() is not calendar
        assert get_calendar().is_workday(dt.date(2026, 12, 31)) is False


def test_rows_edited_outside_the_actions_are_noticed_too(package_calendar: Any) -> None:
    start = dt.datetime(2026, 11, 1, 9, 0, tzinfo=SHANGHAI)
    with time_machine.travel(start, tick=False) as traveller:
        assert get_calendar().is_loaded(2027) is False
        CalendarYear.objects.create(year=2027, source=CalendarSource.MANUAL)  # no version bump
        traveller.shift(service.CHECK_INTERVAL_SECONDS)
        assert get_calendar().is_loaded(2027) is True


def test_an_unchanged_calendar_is_not_rebuilt_after_the_interval(package_calendar: Any) -> None:
    start = dt.datetime(2026, 11, 1, 9, 0, tzinfo=SHANGHAI)
    with time_machine.travel(start, tick=False) as traveller:
        calendar = get_calendar()
        traveller.shift(service.CHECK_INTERVAL_SECONDS * 3)
        assert get_calendar() is calendar


def test_the_cache_check_is_one_small_query_batch(
    package_calendar: Any, django_assert_max_num_queries: Any
) -> None:
    start = dt.datetime(2026, 11, 1, 9, 0, tzinfo=SHANGHAI)
    with time_machine.travel(start, tick=False) as traveller:
        get_calendar()
        with django_assert_max_num_queries(0):
            for _ in range(100):
                get_calendar()
        traveller.shift(service.CHECK_INTERVAL_SECONDS)
        with django_assert_max_num_queries(3):
            get_calendar()
