"""工作日历 pages: the year view, the calculator, the administrator's forms."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from bangban.audit.models import AuditEvent
from bangban.workdays.loader import ensure_calendar
from bangban.workdays.models import CalendarDay, CalendarSource, CalendarYear, DayKind
from bangban.workdays.service import calendar_changed

from .conftest import SCHEDULE_2027, csv_bytes, xlsx_upload

CALENDAR = reverse("workdays:calendar")


def cell(html: str, day: str) -> str:
    match = re.search(rf'<td class="([^"]*)" title="[^"]*" data-date="{day}"', html)
    assert match, f"no cell for {day}"
    return match.group(1)


def test_year_page_shows_twelve_months_with_holidays_and_makeup_days(
    world: Any, login: Any, package_calendar: Any
) -> None:
    response = login(world.handler_shuyang).get(CALENDAR, {"year": 2026})

    assert response.status_code == 200
    html = response.content.decode()
    assert all(f'data-testid="month-{m}"' in html for m in range(1, 13))
    assert "wd-holiday" in cell(html, "2026-10-01")
    assert "wd-makeup" in cell(html, "2026-10-10")
    assert "wd-weekend" in cell(html, "2026-10-17")
    assert "wd-workday" in cell(html, "2026-10-12")
    assert "已载入（内置的国家法定节假日安排）" in html
    assert "chinese_calendar" not in html and "chinesecalendar" not in html  # no Python package names
    assert 'data-testid="provisional-banner"' not in html
    assert "国庆节调休" in html  # the list of adjusted days
    assert 'data-testid="due-form"' in html and 'hx-get="/workdays/due"' in html
    assert 'data-testid="calendar-admin"' not in html  # not an administrator


def test_a_calendar_not_set_up_is_shown_provisional_until_it_is_set_up(world: Any, login: Any) -> None:
    CalendarDay.objects.all().delete()
    CalendarYear.objects.all().delete()
    client = login(world.biz_office)

    html = client.get(CALENDAR, {"year": 2026}).content.decode()

    assert "未载入——按周末推算（临时）" in html
    assert "wd-workday" in cell(html, "2026-10-01")
    assert not CalendarYear.objects.exists() and not CalendarDay.objects.exists()  # showing writes nothing

    ensure_calendar()
    html = client.get(CALENDAR, {"year": 2026}).content.decode()
    assert "已载入（内置的国家法定节假日安排）" in html
    assert "wd-holiday" in cell(html, "2026-10-01")


def test_the_default_year_is_the_current_year_in_shanghai(
    world: Any, login: Any, package_calendar: Any
) -> None:
    # 2025-12-31 17:00 UTC is already 2026-01-01 in Shanghai
    with time_machine.travel(dt.datetime(2025, 12, 31, 17, 0, tzinfo=dt.UTC), tick=False):
        html = login(world.biz_office).get(CALENDAR).content.decode()
    assert "2026 年工作日历" in html


def test_a_year_not_loaded_is_shown_as_provisional(world: Any, login: Any, package_calendar: Any) -> None:
    html = login(world.biz_office).get(CALENDAR, {"year": 2027}).content.decode()

    assert "未载入——按周末推算（临时）" in html
    assert 'data-testid="provisional-banner"' in html
    assert "wd-workday" in cell(html, "2027-01-01")  # no holiday known yet
    assert "wd-weekend" in cell(html, "2027-01-02")
    assert "2027 年日历尚未载入，暂无节假日和调休安排" in html


def test_calculator_partial_through_htmx(world: Any, login: Any, package_calendar: Any) -> None:
    response = login(world.city_handler).get(
        reverse("workdays:due"), {"received": "2026-09-30T18:00", "n": "5"}, headers={"HX-Request": "true"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html  # a fragment
    assert "2026-10-13 23:59:59" in html
    assert "临时结果" not in html


def test_calculator_flags_a_provisional_deadline(world: Any, login: Any, package_calendar: Any) -> None:
    html = (
        login(world.city_handler)
        .get(
            reverse("workdays:due"),
            {"received": "2026-12-28T09:00", "n": "5"},
            headers={"HX-Request": "true"},
        )
        .content.decode()
    )
    assert "2027-01-04 23:59:59" in html
    assert "临时结果（该年度日历尚未载入）" in html
    assert "2027 年" in html


def test_calculator_without_javascript_renders_the_whole_page(
    world: Any, login: Any, package_calendar: Any
) -> None:
    html = (
        login(world.city_handler)
        .get(reverse("workdays:due"), {"received": "2026-09-30", "n": "5"})
        .content.decode()
    )
    assert "<html" in html
    assert 'data-testid="due-at">2026-10-13 23:59:59' in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"received": "2026-09-30", "n": "-2"}, "工作日数不能为负数"),
        ({"received": "2026-02-30", "n": "5"}, "无法识别的日期或时间"),
        ({"received": "2026-09-30", "n": "x"}, "工作日数必须是整数"),
    ],
)
def test_calculator_explains_bad_input(
    world: Any, login: Any, package_calendar: Any, params: dict, message: str
) -> None:
    html = (
        login(world.city_handler)
        .get(reverse("workdays:due"), params, headers={"HX-Request": "true"})
        .content.decode()
    )
    assert 'data-testid="due-error"' in html
    assert message in html


def test_counting_working_days_on_the_page(world: Any, login: Any, package_calendar: Any) -> None:
    html = (
        login(world.city_handler)
        .get(
            reverse("workdays:between"),
            {"start": "2026-09-30T09:00", "end": "2026-10-13T09:00"},
            headers={"HX-Request": "true"},
        )
        .content.decode()
    )
    assert 'data-testid="between-count">5<' in html


def test_enterprise_users_do_not_see_the_calendar_pages(
    world: Any, login: Any, package_calendar: Any
) -> None:
    client = login(world.enterprise_user)
    assert client.get(CALENDAR).status_code == 404
    assert client.get(reverse("workdays:due"), {"received": "2026-09-30", "n": "5"}).status_code == 404


def test_anonymous_visitors_are_sent_to_the_login_page(client: Any, db: Any) -> None:
    response = client.get(CALENDAR)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


# --- administrator pages ----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["biz_office", "auditor", "handler_shuyang"])
def test_administrator_pages_do_not_exist_for_others(
    world: Any, login: Any, package_calendar: Any, who: str
) -> None:
    client = login(getattr(world, who))
    assert client.get(reverse("workdays:import")).status_code == 404
    assert client.get(reverse("workdays:template"), {"year": 2027}).status_code == 404
    response = client.post(reverse("workdays:set_day"), {"date": "2026-12-31", "kind": "holiday", "name": ""})
    assert response.status_code == 404
    assert client.post(reverse("workdays:remove_day"), {"date": "2026-10-10"}).status_code == 404
    upload = SimpleUploadedFile("2027.csv", csv_bytes(SCHEDULE_2027))
    assert client.post(reverse("workdays:import"), {"year": 2027, "file": upload}).status_code == 404
    assert not CalendarDay.objects.filter(date=dt.date(2026, 12, 31)).exists()
    assert CalendarDay.objects.get(date=dt.date(2026, 10, 10)).kind == DayKind.WORKDAY
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_administrator_sees_the_maintenance_forms(world: Any, login: Any, package_calendar: Any) -> None:
    html = login(world.admin).get(CALENDAR, {"year": 2026}).content.decode()
    assert 'data-testid="calendar-admin"' in html
    assert 'data-testid="set-day-form"' in html
    assert 'data-testid="template-link"' in html


def test_administrator_adds_and_removes_a_day_on_the_page(
    world: Any, login: Any, package_calendar: Any
) -> None:
    client = login(world.admin)

    response = client.post(
        reverse("workdays:set_day"),
        {"date": "2026-12-31", "kind": "holiday", "name": "市里放假", "year": "2026"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{CALENDAR}?year=2026"
    page = client.get(response["Location"]).content.decode()
    assert "已将 2026-12-31 设为节假日（休息）：市里放假" in page
    assert "wd-holiday" in cell(page, "2026-12-31")

    response = client.post(reverse("workdays:remove_day"), {"date": "2026-12-31"})
    page = client.get(response["Location"]).content.decode()
    assert "已撤销 2026-12-31 的调整" in page
    assert "wd-workday" in cell(page, "2026-12-31")
    assert AuditEvent.objects.filter(action__in=["calendar.day_set", "calendar.day_remove"]).count() == 2


def test_setting_a_day_in_a_year_not_loaded_is_explained(
    world: Any, login: Any, package_calendar: Any
) -> None:
    response = login(world.admin).post(
        reverse("workdays:set_day"), {"date": "2027-01-01", "kind": "holiday", "name": "元旦"}
    )
    assert response.status_code == 400
    assert "2027 年日历尚未载入" in response.content.decode()
    assert not CalendarDay.objects.filter(date=dt.date(2027, 1, 1)).exists()


def test_administrator_imports_2027_on_the_page(
    world: Any, login: Any, package_calendar: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = login(world.admin)
    years: list[list[int]] = []

    def receiver(sender: Any, **kwargs: Any) -> None:
        years.append(kwargs["years"])

    calendar_changed.connect(receiver, weak=False)
    try:
        assert client.get(reverse("workdays:import"), {"year": 2027}).status_code == 200
        rows = [(dt.date.fromisoformat(d), k, n) for d, k, n in SCHEDULE_2027]
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("workdays:import"), {"year": "2027", "file": xlsx_upload(rows)})
    finally:
        calendar_changed.disconnect(receiver)

    assert response.status_code == 302
    assert years == [[2027]]
    page = client.get(response["Location"]).content.decode()
    assert "已导入 2027 年日历：节假日 17 天，调休上班 2 天" in page
    assert "已载入（管理员导入）" in page
    assert 'data-testid="provisional-banner"' not in page
    assert "wd-holiday" in cell(page, "2027-01-01")
    html = client.get(
        reverse("workdays:due"), {"received": "2026-12-28", "n": "5"}, headers={"HX-Request": "true"}
    )
    assert "2027-01-05 23:59:59" in html.content.decode()
    assert "临时结果" not in html.content.decode()


def test_import_page_lists_row_errors_and_writes_nothing(
    world: Any, login: Any, package_calendar: Any
) -> None:
    upload = SimpleUploadedFile(
        "2027.csv",
        csv_bytes([("2027-01-01", "节假日", ""), ("2026-12-31", "节假日", ""), ("2027-01-05", "加班", "")]),
    )
    response = login(world.admin).post(reverse("workdays:import"), {"year": "2027", "file": upload})

    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="import-errors"' in html
    assert "第 3 行" in html and "不在 2027 年内" in html
    assert "第 4 行" in html and "类型“加班”无法识别" in html
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_import_page_rejects_other_file_types(world: Any, login: Any, package_calendar: Any) -> None:
    upload = SimpleUploadedFile("2027.xls", b"\xd0\xcf\x11\xe0")
    response = login(world.admin).post(reverse("workdays:import"), {"year": "2027", "file": upload})
    assert response.status_code == 400
    assert "只接受 .xlsx（Excel）或 .csv 文件" in response.content.decode()


def test_template_download_round_trips(world: Any, login: Any, package_calendar: Any) -> None:
    client = login(world.admin)
    response = client.get(reverse("workdays:template"), {"year": 2026})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    assert [c.value for c in sheet[1]] == ["日期", "类型", "名称"]
    assert sheet.max_row == 1 + 39  # pre-filled with 2026's days

    upload = SimpleUploadedFile("2026.xlsx", response.content)
    response = client.post(reverse("workdays:import"), {"year": "2026", "file": upload})
    assert response.status_code == 302
    assert CalendarDay.objects.filter(date__year=2026, source=CalendarSource.IMPORT).count() == 39
    html = client.get(
        reverse("workdays:due"), {"received": "2026-09-30", "n": "5"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert "2026-10-13 23:59:59" in html


def test_blank_template_for_a_year_not_loaded(world: Any, login: Any, package_calendar: Any) -> None:
    response = login(world.admin).get(reverse("workdays:template"), {"year": 2027})
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.worksheets[0].max_row == 1
    assert workbook.worksheets[1].title == "填写说明"


def test_calendar_page_query_count_does_not_grow_with_years(
    world: Any, login: Any, package_calendar: Any, django_assert_max_num_queries: Any
) -> None:
    client = login(world.biz_office)
    client.get(CALENDAR, {"year": 2026})
    with django_assert_max_num_queries(12):
        client.get(CALENDAR, {"year": 2026})
