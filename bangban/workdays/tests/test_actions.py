"""Administrators change the calendar: set or remove a day, import a year (R0.3)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bangban.audit.models import AuditEvent
from bangban.core.errors import ApplicationError, FileRejected, PermissionDenied
from bangban.workdays.actions import do_import_year, do_remove_day, do_set_day
from bangban.workdays.errors import DayNotAdjusted, ImportRejected, YearNotLoaded
from bangban.workdays.importing import parse_calendar_file
from bangban.workdays.models import CalendarDay, CalendarSource, CalendarYear, DayKind
from bangban.workdays.service import quote_due

from .conftest import SCHEDULE_2027, after_of, before_of, csv_bytes, csv_upload, xlsx_bytes, xlsx_upload


def nothing_written_for_2027() -> bool:
    return (
        not CalendarYear.objects.filter(year=2027).exists()
        and not CalendarDay.objects.filter(date__year=2027).exists()
    )


# --- set / remove -----------------------------------------------------------------------------


def test_admin_declares_a_holiday_and_it_is_audited(world: Any, package_calendar: Any) -> None:
    row = do_set_day(
        acting_user=world.admin, date=dt.date(2026, 12, 31), kind=DayKind.HOLIDAY, name="市里放假"
    )

    assert (row.kind, row.name, row.source) == (DayKind.HOLIDAY, "市里放假", CalendarSource.MANUAL)
    event = AuditEvent.objects.get(action="calendar.day_set")
    assert event.actor_id == world.admin.pk
    assert event.before is None
    assert after_of(event)["kind"] == "holiday" and after_of(event)["date"] == "2026-12-31"


def test_changing_a_package_day_records_before_and_after(world: Any, package_calendar: Any) -> None:
    do_set_day(acting_user=world.admin, date=dt.date(2026, 10, 7), kind=DayKind.WORKDAY, name="")

    event = AuditEvent.objects.get(action="calendar.day_set")
    assert event.before == {"kind": "holiday", "name": "国庆节", "source": "package"}
    assert event.after == {"kind": "workday", "name": "", "source": "manual"}


def test_setting_the_same_day_twice_is_one_change(world: Any, package_calendar: Any) -> None:
    for _ in range(2):
        do_set_day(acting_user=world.admin, date=dt.date(2026, 12, 31), kind=DayKind.HOLIDAY, name="x")
    assert AuditEvent.objects.filter(action="calendar.day_set").count() == 1


def test_a_day_cannot_be_set_in_a_year_not_loaded(world: Any, package_calendar: Any) -> None:
    with pytest.raises(YearNotLoaded) as caught:
        do_set_day(acting_user=world.admin, date=dt.date(2027, 1, 1), kind=DayKind.HOLIDAY, name="元旦")
    assert caught.value.code == "year_not_loaded"
    assert "导入" in caught.value.message
    assert nothing_written_for_2027()


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"date": dt.date(2026, 12, 31), "kind": "normal"}, "invalid_kind"),
        ({"date": dt.date(2026, 12, 31), "kind": "party"}, "invalid_kind"),
        ({"date": dt.date(1900, 1, 1), "kind": "holiday"}, "invalid_year"),
        ({"date": dt.date(2026, 12, 31), "kind": "holiday", "name": "长" * 41}, "name_too_long"),
    ],
)
def test_bad_day_input_is_rejected(world: Any, package_calendar: Any, kwargs: dict, code: str) -> None:
    with pytest.raises(ApplicationError) as caught:
        do_set_day(acting_user=world.admin, **kwargs)
    assert caught.value.code == code


def test_removing_a_day_reverts_to_the_weekday_rule(world: Any, package_calendar: Any) -> None:
    assert quote_due(dt.date(2026, 9, 30), 5).due.date == dt.date(2026, 10, 13)

    do_remove_day(acting_user=world.admin, date=dt.date(2026, 10, 10))  # make-up Saturday: now a day off

    assert quote_due(dt.date(2026, 9, 30), 5).due.date == dt.date(2026, 10, 14)
    event = AuditEvent.objects.get(action="calendar.day_remove")
    assert before_of(event)["kind"] == "workday" and after_of(event)["kind"] == "normal"


def test_removing_a_manual_day_deletes_it(world: Any, package_calendar: Any) -> None:
    do_set_day(acting_user=world.admin, date=dt.date(2026, 12, 31), kind=DayKind.HOLIDAY, name="")
    do_remove_day(acting_user=world.admin, date=dt.date(2026, 12, 31))
    assert not CalendarDay.objects.filter(date=dt.date(2026, 12, 31)).exists()
    event = AuditEvent.objects.get(action="calendar.day_remove")
    assert event.after is None and before_of(event)["kind"] == "holiday"


def test_removing_an_ordinary_day_is_refused(world: Any, package_calendar: Any) -> None:
    with pytest.raises(DayNotAdjusted):
        do_remove_day(acting_user=world.admin, date=dt.date(2026, 11, 11))
    do_remove_day(acting_user=world.admin, date=dt.date(2026, 10, 10))
    with pytest.raises(DayNotAdjusted):  # already removed
        do_remove_day(acting_user=world.admin, date=dt.date(2026, 10, 10))


@pytest.mark.parametrize("who", ["biz_office", "auditor", "handler_shuyang", "enterprise_user"])
def test_only_administrators_change_the_calendar(world: Any, package_calendar: Any, who: str) -> None:
    user = getattr(world, who)
    with pytest.raises(PermissionDenied):
        do_set_day(acting_user=user, date=dt.date(2026, 12, 31), kind=DayKind.HOLIDAY, name="")
    with pytest.raises(PermissionDenied):
        do_remove_day(acting_user=user, date=dt.date(2026, 10, 1))
    with pytest.raises(PermissionDenied):
        do_import_year(acting_user=user, year=2027, uploaded_file=csv_upload(SCHEDULE_2027))
    assert not AuditEvent.objects.filter(action__startswith="calendar.day").exists()
    assert nothing_written_for_2027()


# --- import -------------------------------------------------------------------------------------


def test_importing_a_year_from_xlsx(world: Any, package_calendar: Any) -> None:
    rows = [(dt.date.fromisoformat(d), k, n) for d, k, n in SCHEDULE_2027]  # real Excel dates
    result = do_import_year(acting_user=world.admin, year=2027, uploaded_file=xlsx_upload(rows))

    assert (result.holidays, result.workdays, result.replaced, result.warnings) == (17, 2, 0, [])
    year = CalendarYear.objects.get(year=2027)
    assert (year.source, year.loaded_by) == (CalendarSource.IMPORT, world.admin)
    assert CalendarDay.objects.filter(date__year=2027, source=CalendarSource.IMPORT).count() == 19
    event = AuditEvent.objects.get(action="calendar.year_import")
    assert event.before is None
    assert "2027-02-20 调休上班 春节调休" in after_of(event)["days"]


def test_importing_replaces_the_years_days(world: Any, package_calendar: Any) -> None:
    rows = [("2026-10-01", "节假日", "国庆节"), ("2026-10-11", "上班", "")]
    result = do_import_year(
        acting_user=world.admin, year=2026, uploaded_file=csv_upload(rows, name="2026.csv")
    )

    assert result.replaced == 39
    assert sorted(CalendarDay.objects.filter(date__year=2026).values_list("date", "kind")) == [
        (dt.date(2026, 10, 1), DayKind.HOLIDAY),
        (dt.date(2026, 10, 11), DayKind.WORKDAY),
    ]
    event = AuditEvent.objects.get(action="calendar.year_import")
    assert before_of(event)["source"] == "package" and len(before_of(event)["days"]) == 39
    assert after_of(event)["source"] == "import"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_in_utf8_with_or_without_bom_and_gbk(world: Any, package_calendar: Any, encoding: str) -> None:
    upload = SimpleUploadedFile("2027.csv", csv_bytes(SCHEDULE_2027, encoding=encoding))
    result = do_import_year(acting_user=world.admin, year=2027, uploaded_file=upload)
    assert result.holidays == 17
    assert CalendarDay.objects.get(date=dt.date(2027, 2, 20)).name == "春节调休"


def test_kind_words_in_chinese_and_english(world: Any, package_calendar: Any) -> None:
    rows = [
        ("2027-01-01", "节假日", ""),
        ("2027/1/2", "休息", ""),
        ("2027年1月3日", "holiday", ""),
        ("20270206", "放假", ""),
        ("2027-02-20", "调休上班", ""),
        ("2027-02-21", "上班", ""),
        ("2027-10-09", "Workday", ""),
    ]
    result = do_import_year(acting_user=world.admin, year=2027, uploaded_file=csv_upload(rows))
    assert (result.holidays, result.workdays) == (4, 3)


def test_import_errors_are_listed_per_row_and_nothing_is_written(world: Any, package_calendar: Any) -> None:
    rows = [
        ("2027-01-01", "节假日", "元旦"),  # row 2: fine
        ("2027-02-30", "节假日", "春节"),  # row 3: no such date
        ("2026-12-31", "节假日", ""),  # row 4: outside the year
        ("2027-01-01", "节假日", "元旦"),  # row 5: duplicate of row 2
        ("2027-02-20", "加班", ""),  # row 6: unknown kind
        ("", "节假日", ""),  # row 7: no date
        ("2027-03-01", "", ""),  # row 8: no kind
    ]
    with pytest.raises(ImportRejected) as caught:
        do_import_year(acting_user=world.admin, year=2027, uploaded_file=csv_upload(rows))

    errors = {e["row"]: e["message"] for e in caught.value.details}
    assert sorted(errors) == [3, 4, 5, 6, 7, 8]
    assert "无法识别" in errors[3]
    assert "不在 2027 年内" in errors[4]
    assert "与第 2 行重复" in errors[5]
    assert "类型“加班”无法识别" in errors[6]
    assert "缺少日期" in errors[7]
    assert "缺少类型" in errors[8]
    assert caught.value.code == "import_rejected"
    assert "6 处错误" in caught.value.message
    assert nothing_written_for_2027()
    assert not AuditEvent.objects.filter(action="calendar.year_import").exists()


def test_a_failed_import_leaves_the_existing_year_untouched(world: Any, package_calendar: Any) -> None:
    before = list(CalendarDay.objects.filter(date__year=2026).values_list("date", "kind", "name"))
    with pytest.raises(ImportRejected):
        do_import_year(
            acting_user=world.admin, year=2026, uploaded_file=csv_upload([("2026-13-01", "节假日", "")])
        )
    assert list(CalendarDay.objects.filter(date__year=2026).values_list("date", "kind", "name")) == before
    assert CalendarYear.objects.get(year=2026).source == CalendarSource.PACKAGE


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("2027.xls", b"\xd0\xcf\x11\xe0 old excel", "unsupported_file_type"),
        ("2027.txt", b"date,kind\n", "unsupported_file_type"),
        ("2027.pdf", b"%PDF-1.4", "unsupported_file_type"),
        ("2027.xlsx", b"this is not a zip", "unreadable_file"),
        ("2027.csv", b"", "empty_file"),
        ("2027.csv", "日期,名称\n2027-01-01,元旦\n".encode(), "missing_columns"),
        ("2027.csv", "名称\n元旦\n".encode(), "missing_columns"),
        ("2027.csv", "日期,类型,名称\n".encode(), "import_rejected"),
    ],
)
def test_files_we_cannot_use_are_rejected(
    world: Any, package_calendar: Any, name: str, content: bytes, code: str
) -> None:
    with pytest.raises(ApplicationError) as caught:
        do_import_year(acting_user=world.admin, year=2027, uploaded_file=SimpleUploadedFile(name, content))
    assert caught.value.code == code
    assert nothing_written_for_2027()


def test_missing_columns_are_named(world: Any, package_calendar: Any) -> None:
    with pytest.raises(FileRejected) as caught:
        do_import_year(
            acting_user=world.admin,
            year=2027,
            uploaded_file=SimpleUploadedFile("2027.csv", "名称,备注\n元旦,\n".encode()),
        )
    assert "日期、类型" in caught.value.message


def test_an_xlsx_with_missing_columns_is_rejected(world: Any, package_calendar: Any) -> None:
    upload = SimpleUploadedFile("2027.xlsx", xlsx_bytes([("2027-01-01",)], headers=("日期",)))
    with pytest.raises(FileRejected) as caught:
        do_import_year(acting_user=world.admin, year=2027, uploaded_file=upload)
    assert caught.value.code == "missing_columns" and "类型" in caught.value.message


def test_a_weekend_holiday_is_fine_and_a_weekday_makeup_day_is_accepted_with_a_warning(
    world: Any, package_calendar: Any
) -> None:
    rows = [
        ("2027-01-02", "节假日", "元旦"),  # Saturday inside a holiday block: normal
        ("2027-03-03", "调休上班", ""),  # Wednesday: already a working day
    ]
    result = do_import_year(acting_user=world.admin, year=2027, uploaded_file=csv_upload(rows))

    assert result.warnings == [{"row": 3, "message": result.warnings[0]["message"]}]
    assert "星期三" in result.warnings[0]["message"]
    assert CalendarDay.objects.get(date=dt.date(2027, 3, 3)).kind == DayKind.WORKDAY
    assert quote_due(dt.date(2027, 3, 2), 1).due.date == dt.date(2027, 3, 3)


def test_an_invalid_year_is_rejected(world: Any, package_calendar: Any) -> None:
    with pytest.raises(ApplicationError) as caught:
        do_import_year(acting_user=world.admin, year=1800, uploaded_file=csv_upload(SCHEDULE_2027))
    assert caught.value.code == "invalid_year"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    days=st.dictionaries(
        st.dates(min_value=dt.date(2027, 1, 1), max_value=dt.date(2027, 12, 31)),
        st.tuples(st.sampled_from(["节假日", "调休上班"]), st.text("春节国庆元旦调休中秋 ", max_size=12)),
        max_size=40,
    ),
    as_xlsx=st.booleans(),
)
def test_what_a_file_lists_is_what_is_read(days: dict, as_xlsx: bool) -> None:
    rows = [(d.isoformat(), kind, name) for d, (kind, name) in sorted(days.items())]
    if as_xlsx:
        parsed = parse_calendar_file(2027, "x.xlsx", xlsx_bytes(rows))
    else:
        parsed = parse_calendar_file(2027, "x.csv", csv_bytes(rows))
    if not rows:
        assert parsed.errors
        return
    assert parsed.errors == []
    expected = {
        d: (DayKind.HOLIDAY if kind == "节假日" else DayKind.WORKDAY, name.strip())
        for d, (kind, name) in days.items()
    }
    assert parsed.days == expected
    weekday_makeups = {d for d, (kind, _) in days.items() if kind == "调休上班" and d.weekday() < 5}
    assert len(parsed.warnings) == len(weekday_makeups)
