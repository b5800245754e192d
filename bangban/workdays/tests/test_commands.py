"""Administrator commands: due_date, load_calendar, import_calendar."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from bangban.audit.models import AuditEvent
from bangban.workdays.models import CalendarYear

from .conftest import SCHEDULE_2027, csv_bytes, xlsx_bytes


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue().strip()


def test_due_date_through_the_national_day_holiday(package_calendar: Any) -> None:
    assert run("due_date", "2026-09-30", "5") == (
        "2026-09-30 + 5 个工作日 → 2026-10-13（截止 2026-10-13 23:59:59，Asia/Shanghai）"
    )


def test_due_date_accepts_a_time_of_receipt(package_calendar: Any) -> None:
    assert run("due_date", "2026-09-30T18:00", "5") == (
        "2026-09-30 18:00 + 5 个工作日 → 2026-10-13（截止 2026-10-13 23:59:59，Asia/Shanghai）"
    )


def test_due_date_into_2027_is_flagged_provisional(package_calendar: Any) -> None:
    assert run("due_date", "2026-12-28", "5") == (
        "2026-12-28 + 5 个工作日 → 2027-01-04（截止 2027-01-04 23:59:59，Asia/Shanghai）"
        "【临时：2027 年日历尚未载入，仅按周末推算】"
    )


def test_due_date_on_a_calendar_not_set_up_answers_provisionally_until_load_calendar(db: Any) -> None:
    assert run("due_date", "2026-09-30", "5") == (
        "2026-09-30 + 5 个工作日 → 2026-10-07（截止 2026-10-07 23:59:59，Asia/Shanghai）"
        "【临时：2026 年日历尚未载入，仅按周末推算】"
    )
    assert not CalendarYear.objects.exists() and not AuditEvent.objects.exists()

    run("load_calendar")

    assert "→ 2026-10-13（" in run("due_date", "2026-09-30", "5")


def test_due_date_counts_between_two_instants(package_calendar: Any) -> None:
    assert run("due_date", "--between", "2026-09-30", "2026-10-13T09:00") == (
        "2026-09-30 → 2026-10-13 09:00：5 个工作日（不含起始日，含结束日）"
    )
    assert run("due_date", "--between", "2026-12-28", "2027-01-04").endswith(
        "【临时：2027 年日历尚未载入，仅按周末推算】"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("2026-09-30", "-1"), "不能为负数"),
        (("2026-09-30", "five"), "必须是整数"),
        (("2026-02-30", "5"), "无法识别的日期"),
        (("2026-09-30",), "请给出受理时间和工作日数"),
    ],
)
def test_due_date_rejects_bad_input(package_calendar: Any, args: tuple[str, ...], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        run("due_date", *args)


def test_load_calendar_reports_what_it_did(db: Any) -> None:
    first = run("load_calendar", "--year", "2025", "--year", "2026")
    assert "已载入或更新：2025、2026（2 个年度）" in first
    assert "无变化：2025、2026" in run("load_calendar", "--year", "2025", "--year", "2026")
    assert AuditEvent.objects.filter(action="calendar.year_load", source="command").count() == 2


def test_load_calendar_refuses_a_year_the_package_does_not_know(db: Any) -> None:
    with pytest.raises(CommandError, match="没有 2027 年的日历"):
        run("load_calendar", "--year", "2027")


def test_import_calendar_then_due_date_is_final(world: Any, package_calendar: Any, tmp_path: Path) -> None:
    path = tmp_path / "2027年节假日安排.xlsx"
    path.write_bytes(xlsx_bytes(SCHEDULE_2027))

    out = run("import_calendar", "2027", str(path), "--user", world.admin.username)

    assert out == "已导入 2027 年日历：节假日 17 天，调休上班 2 天（替换原有调整 0 条）"
    assert CalendarYear.objects.get(year=2027).loaded_by == world.admin
    assert run("due_date", "2026-12-28", "5") == (
        "2026-12-28 + 5 个工作日 → 2027-01-05（截止 2027-01-05 23:59:59，Asia/Shanghai）"
    )


def test_import_calendar_lists_row_errors_and_writes_nothing(package_calendar: Any, tmp_path: Path) -> None:
    path = tmp_path / "2027.csv"
    path.write_bytes(csv_bytes([("2027-01-01", "节假日", ""), ("2028-01-01", "节假日", "")], encoding="gbk"))
    err = io.StringIO()

    with pytest.raises(CommandError, match="1 处错误"):
        call_command("import_calendar", "2027", str(path), stdout=io.StringIO(), stderr=err)

    assert "第 3 行：日期 2028-01-01 不在 2027 年内" in err.getvalue()
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_import_calendar_refuses_a_user_who_is_not_an_administrator(
    world: Any, package_calendar: Any, tmp_path: Path
) -> None:
    path = tmp_path / "2027.csv"
    path.write_bytes(csv_bytes(SCHEDULE_2027))
    with pytest.raises(CommandError, match="只有系统管理员"):
        run("import_calendar", "2027", str(path), "--user", world.biz_office.username)
    assert not CalendarYear.objects.filter(year=2027).exists()
