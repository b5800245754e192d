"""Loading the official calendar from the chinese_calendar package (R0.3)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import chinese_calendar
import pytest

from bangban.audit.models import AuditEvent
from bangban.core.errors import ApplicationError
from bangban.workdays.actions import do_import_year, do_remove_day, do_set_day
from bangban.workdays.loader import (
    chinese_holiday_name,
    ensure_calendar,
    load_package,
    load_package_years,
    package_days,
)
from bangban.workdays.models import CalendarDay, CalendarSource, CalendarVersion, CalendarYear, DayKind
from bangban.workdays.service import due, get_calendar

from .conftest import SCHEDULE_2027, after_of, csv_upload

PACKAGE_YEARS = sorted(
    {d.year for d in chinese_calendar.constants.holidays}
    | {d.year for d in chinese_calendar.constants.workdays}
)


def test_package_years_come_from_the_data_and_2027_is_not_among_them() -> None:
    assert sorted(package_days()) == PACKAGE_YEARS
    assert PACKAGE_YEARS[0] == 2004
    assert 2026 in PACKAGE_YEARS
    assert 2027 not in PACKAGE_YEARS


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        ("New Year's Day", "元旦"),
        ("Spring Festival", "春节"),
        ("Tomb-sweeping Day", "清明节"),
        ("Labour Day", "劳动节"),
        ("Dragon Boat Festival", "端午节"),
        ("Mid-autumn Festival", "中秋节"),
        ("National Day", "国庆节"),
        ("National Day, Mid-autumn Festival", "国庆中秋"),
        ("Mid-autumn Festival & National Day", "国庆中秋"),
        ("Anti-Fascist 70th Day", "抗战胜利70周年纪念日"),
    ],
)
def test_holiday_names_are_translated_to_chinese(english: str, chinese: str) -> None:
    assert chinese_holiday_name(english) == chinese


def test_loading_fills_every_package_year_with_chinese_names(db: Any) -> None:
    changed = load_package_years()

    assert changed == PACKAGE_YEARS
    assert sorted(CalendarYear.objects.values_list("year", flat=True)) == PACKAGE_YEARS
    assert set(CalendarYear.objects.values_list("source", flat=True)) == {CalendarSource.PACKAGE}
    national_day = CalendarDay.objects.get(date=dt.date(2026, 10, 1))
    assert (national_day.kind, national_day.name) == (DayKind.HOLIDAY, "国庆节")
    makeup = CalendarDay.objects.get(date=dt.date(2026, 10, 10))
    assert (makeup.kind, makeup.name) == (DayKind.WORKDAY, "国庆节调休")
    total = len(chinese_calendar.constants.holidays) + len(chinese_calendar.constants.workdays)
    assert CalendarDay.objects.count() == total
    # one audit event per year loaded, by the system
    events = AuditEvent.objects.filter(action="calendar.year_load")
    assert events.count() == len(PACKAGE_YEARS)
    assert set(events.values_list("actor_id", flat=True)) == {None}
    event_2026 = events.get(object_id="2026")
    assert after_of(event_2026)["holidays"] == 33
    assert after_of(event_2026)["workdays"] == 6


def test_loading_twice_changes_nothing(db: Any) -> None:
    load_package_years()
    rows_before = list(CalendarDay.objects.order_by("date").values_list("date", "kind", "name", "source"))
    events_before = AuditEvent.objects.count()

    assert load_package_years() == []

    rows_after = list(CalendarDay.objects.order_by("date").values_list("date", "kind", "name", "source"))
    assert rows_after == rows_before
    assert AuditEvent.objects.count() == events_before
    report = load_package()
    assert report.unchanged == PACKAGE_YEARS
    assert report.changed == [] and report.skipped == []


def test_loading_selected_years_only(db: Any) -> None:
    assert load_package_years([2025, 2026]) == [2025, 2026]
    assert sorted(CalendarYear.objects.values_list("year", flat=True)) == [2025, 2026]


def test_loading_a_year_the_package_does_not_know_is_refused(db: Any) -> None:
    with pytest.raises(ApplicationError) as caught:
        load_package_years([2026, 2027])
    assert caught.value.code == "year_not_in_package"
    assert "2027" in caught.value.message
    assert not CalendarYear.objects.exists()


def test_an_administrators_change_survives_reloading(world: Any, package_calendar: Any) -> None:
    do_set_day(acting_user=world.admin, date=dt.date(2026, 10, 7), kind=DayKind.WORKDAY, name="国庆节调整")
    do_set_day(acting_user=world.admin, date=dt.date(2026, 12, 31), kind=DayKind.HOLIDAY, name="市里放假")

    load_package_years()

    changed = CalendarDay.objects.get(date=dt.date(2026, 10, 7))
    assert (changed.kind, changed.name, changed.source) == (
        DayKind.WORKDAY,
        "国庆节调整",
        CalendarSource.MANUAL,
    )
    added = CalendarDay.objects.get(date=dt.date(2026, 12, 31))
    assert (added.kind, added.source) == (DayKind.HOLIDAY, CalendarSource.MANUAL)


def test_a_removed_package_day_stays_removed_after_reloading(world: Any, package_calendar: Any) -> None:
    do_remove_day(acting_user=world.admin, date=dt.date(2026, 10, 10))  # the make-up Saturday
    assert get_calendar().is_workday(dt.date(2026, 10, 10)) is False

    assert load_package_years() == []

    assert get_calendar().is_workday(dt.date(2026, 10, 10)) is False
    row = CalendarDay.objects.get(date=dt.date(2026, 10, 10))
    assert (row.kind, row.source) == (DayKind.NORMAL, CalendarSource.MANUAL)


def test_an_imported_year_is_left_alone_by_the_package(world: Any, package_calendar: Any) -> None:
    rows = [("2026-10-01", "节假日", "国庆节"), ("2026-10-02", "节假日", "国庆节")]
    do_import_year(acting_user=world.admin, year=2026, uploaded_file=csv_upload(rows, name="2026.csv"))

    report = load_package()

    assert 2026 in report.skipped and 2026 not in report.changed
    assert CalendarDay.objects.filter(date__year=2026).count() == 2
    assert CalendarYear.objects.get(year=2026).source == CalendarSource.IMPORT


def test_a_package_day_corrected_in_a_new_package_version_is_corrected_on_reload(
    package_calendar: Any,
) -> None:
    # As if an older package had got a day wrong: the reload puts the package's current data back.
    CalendarDay.objects.filter(date=dt.date(2026, 10, 1)).update(kind=DayKind.WORKDAY, name="旧数据")
    CalendarDay.objects.create(
        date=dt.date(2026, 3, 3), kind=DayKind.HOLIDAY, name="旧数据", source=CalendarSource.PACKAGE
    )

    assert load_package_years() == [2026]

    assert CalendarDay.objects.get(date=dt.date(2026, 10, 1)).kind == DayKind.HOLIDAY
    assert not CalendarDay.objects.filter(date=dt.date(2026, 3, 3)).exists()
    event = AuditEvent.objects.filter(action="calendar.year_load", object_id="2026").latest("seq")
    assert after_of(event)["removed"] == ["2026-03-03 节假日（休息） 旧数据"]
    assert len(after_of(event)["corrected"]) == 1


def test_reading_a_calendar_not_set_up_writes_nothing_and_counts_weekends_only(db: Any) -> None:
    assert not CalendarYear.objects.exists()

    result = due(dt.date(2026, 9, 30), 5)

    # No National Day holiday is known yet: the count goes by weekends, marked provisional.
    assert result.date == dt.date(2026, 10, 7)
    assert result.provisional is True
    assert not CalendarYear.objects.exists()
    assert not CalendarDay.objects.exists()
    assert not CalendarVersion.objects.exists()
    assert not AuditEvent.objects.exists()


def test_ensure_calendar_sets_up_a_fresh_installation_once(db: Any) -> None:
    assert due(dt.date(2026, 9, 30), 5).provisional is True

    assert ensure_calendar() == PACKAGE_YEARS

    assert sorted(CalendarYear.objects.values_list("year", flat=True)) == PACKAGE_YEARS
    events = AuditEvent.objects.filter(action="calendar.year_load")
    assert events.count() == len(PACKAGE_YEARS) and all(e.actor_id is None for e in events)
    # The process that set the calendar up sees it at once.
    result = due(dt.date(2026, 9, 30), 5)
    assert (result.date, result.provisional) == (dt.date(2026, 10, 13), False)

    assert ensure_calendar() == []
    assert AuditEvent.objects.count() == len(PACKAGE_YEARS)


def test_ensure_calendar_leaves_a_calendar_an_administrator_set_up_alone(db: Any, world: Any) -> None:
    CalendarDay.objects.all().delete()
    CalendarYear.objects.all().delete()
    do_import_year(acting_user=world.admin, year=2027, uploaded_file=csv_upload(SCHEDULE_2027))
    events_before = AuditEvent.objects.count()

    assert ensure_calendar() == []

    assert list(CalendarYear.objects.values_list("year", flat=True)) == [2027]
    assert AuditEvent.objects.count() == events_before


def test_the_2027_schedule_used_in_tests_is_consistent() -> None:
    # Guard for the invented schedule: holidays on any day, make-up days only at weekends.
    for day, kind, _ in SCHEDULE_2027:
        if kind == "调休上班":
            assert dt.date.fromisoformat(day).weekday() >= 5
