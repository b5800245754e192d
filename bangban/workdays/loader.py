"""Filling the calendar tables from the `chinese_calendar` package (PyPI: chinesecalendar).

The package knows the official schedule (holidays and 调休 make-up workdays) of every year up to the
one the State Council published last; the set of years is taken from its data, not hard-coded.
Loading is idempotent and never overrides an administrator:

* a year an administrator imported (or maintains by hand) is left alone entirely;
* in a package year, a day an administrator set or removed (source manual/import) is kept;
* package days are added, corrected or dropped to match the installed package version.

`load_package_years()` is called by `load_demo_city` and by `manage.py load_calendar`;
`ensure_calendar()` loads the package only where no year is loaded at all (a fresh installation).
Reading the calendar (`service.get_calendar()`) never loads anything (see `service` module doc).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata
from typing import Any

import chinese_calendar
from chinese_calendar import constants
from django.db import transaction
from django.utils import timezone

from bangban.accounts.models import User
from bangban.audit.actions import record, snapshot
from bangban.core.errors import ApplicationError

from .models import CalendarDay, CalendarSource, CalendarYear, DayKind
from .service import calendar_was_changed, lock_calendar

__all__ = [
    "LoadReport",
    "chinese_holiday_name",
    "ensure_calendar",
    "load_package",
    "load_package_years",
    "package_days",
]

# The package's English names → the names used on Chinese calendars and in the State Council notice.
HOLIDAY_NAMES = {
    "new year's day": "元旦",
    "spring festival": "春节",
    "tomb-sweeping day": "清明节",
    "labour day": "劳动节",
    "labor day": "劳动节",
    "dragon boat festival": "端午节",
    "mid-autumn festival": "中秋节",
    "national day": "国庆节",
    "anti-fascist 70th day": "抗战胜利70周年纪念日",
}
_SEPARATORS = re.compile(r"\s*(?:,|;|&|/|\+|\band\b)\s*", re.IGNORECASE)


def chinese_holiday_name(english: str) -> str:
    """`National Day` → 国庆节; a combined name (`National Day, Mid-autumn Festival`) → 国庆中秋."""
    parts = [p for p in _SEPARATORS.split(english.strip()) if p]
    names: list[str] = []
    for part in parts:
        name = HOLIDAY_NAMES.get(part.lower())
        if name is None:
            name = _package_chinese(part) or part
        if name not in names:
            names.append(name)
    if set(names) == {"国庆节", "中秋节"}:
        return "国庆中秋"
    return "、".join(names)[:40]


def _package_chinese(english: str) -> str | None:
    for holiday in constants.Holiday:
        if holiday.value.lower() == english.lower():
            return str(getattr(holiday, "chinese", "")) or None
    return None


def package_version() -> str:
    try:
        return metadata.version("chinesecalendar")
    except metadata.PackageNotFoundError:  # pragma: no cover
        return str(getattr(chinese_calendar, "__version__", "?"))


@cache
def package_days() -> dict[int, dict[dt.date, tuple[str, str]]]:
    """{year: {date: (kind, Chinese name)}} for every year the installed package knows."""
    years: dict[int, dict[dt.date, tuple[str, str]]] = {}
    for day, english in constants.holidays.items():
        years.setdefault(day.year, {})[day] = (DayKind.HOLIDAY, chinese_holiday_name(str(english)))
    for day, english in constants.workdays.items():
        years.setdefault(day.year, {})[day] = (
            DayKind.WORKDAY,
            f"{chinese_holiday_name(str(english))}调休"[:40],
        )
    return years


@dataclass
class LoadReport:
    changed: list[int] = field(default_factory=list)
    """Years whose rows were created or changed."""
    unchanged: list[int] = field(default_factory=list)
    """Years already up to date."""
    skipped: list[int] = field(default_factory=list)
    """Years an administrator imported or maintains: the package does not touch them."""
    version: str = ""


def load_package_years(years: Any = None, *, acting_user: User | None = None) -> list[int]:
    """Load `years` (default: all the package knows) and return the years that changed.

    Idempotent: a second call returns []. `acting_user` None means the system.
    """
    return load_package(years, acting_user=acting_user).changed


def ensure_calendar(*, acting_user: User | None = None) -> list[int]:
    """Set up the calendar of a fresh installation: when no year is loaded at all, load every year
    the package knows; otherwise change nothing (a calendar an administrator set up is left as it
    is). Returns the years loaded; idempotent (a second call returns [] and writes nothing)."""
    if CalendarYear.objects.exists():
        return []
    return load_package_years(acting_user=acting_user)


def load_package(years: Any = None, *, acting_user: User | None = None) -> LoadReport:
    data = package_days()
    version = package_version()
    if years is None:
        wanted = sorted(data)
    else:
        wanted = sorted({int(y) for y in years})
        missing = [y for y in wanted if y not in data]
        if missing:
            known = f"{min(data)}–{max(data)}" if data else "无"
            raise ApplicationError(
                f"chinesecalendar {version} 数据包中没有 {'、'.join(map(str, missing))} 年的日历"
                f"（数据包包含 {known} 年）；请由管理员导入该年度日历",
                code="year_not_in_package",
            )
    report = LoadReport(version=version)
    if not wanted:
        return report
    note = f"内置节假日数据（版本 {version}）"
    with transaction.atomic():
        calendar_version = lock_calendar()
        year_rows = {y.year: y for y in CalendarYear.objects.select_for_update().filter(year__in=wanted)}
        current: dict[dt.date, CalendarDay] = {
            row.date: row
            for row in CalendarDay.objects.select_for_update().filter(
                date__range=(dt.date(wanted[0], 1, 1), dt.date(wanted[-1], 12, 31))
            )
        }
        now = timezone.now()
        for year in wanted:
            year_row = year_rows.get(year)
            if year_row is not None and year_row.source != CalendarSource.PACKAGE:
                report.skipped.append(year)
                continue
            package = data[year]
            existing = {d: row for d, row in current.items() if d.year == year}
            creates: list[CalendarDay] = []
            updates: list[CalendarDay] = []
            deletes: list[CalendarDay] = []
            kept = 0
            for day, (kind, name) in sorted(package.items()):
                row = existing.get(day)
                if row is None:
                    creates.append(CalendarDay(date=day, kind=kind, name=name, source=CalendarSource.PACKAGE))
                elif row.source != CalendarSource.PACKAGE:
                    kept += 1
                elif (row.kind, row.name) != (kind, name):
                    row.kind, row.name, row.updated_at = kind, name, now
                    updates.append(row)
            for day, row in sorted(existing.items()):
                if row.source == CalendarSource.PACKAGE and day not in package:
                    deletes.append(row)
            if year_row is not None and not (creates or updates or deletes):
                report.unchanged.append(year)
                continue

            before = None
            if year_row is None:
                year_row = CalendarYear.objects.create(
                    year=year, source=CalendarSource.PACKAGE, loaded_by=acting_user, note=note
                )
            else:
                before = {**snapshot(year_row), **_counts(existing.values())}
                year_row.loaded_by = acting_user
                year_row.note = note
                year_row.save(update_fields=["loaded_by", "note", "loaded_at"])
            CalendarDay.objects.bulk_create(creates)
            CalendarDay.objects.bulk_update(updates, ["kind", "name", "updated_at"])
            CalendarDay.objects.filter(pk__in=[row.pk for row in deletes]).delete()
            after_rows = [r for d, r in existing.items() if r not in deletes] + creates
            after: dict[str, Any] = {
                **snapshot(year_row),
                **_counts(after_rows),
                "package": note,
                "administrator_days_kept": kept,
            }
            if before is not None:
                after["added"] = [_describe(r) for r in creates]
                after["corrected"] = [_describe(r) for r in updates]
                after["removed"] = [_describe(r) for r in deletes]
            record("calendar.year_load", actor=acting_user, obj=year_row, before=before, after=after)
            report.changed.append(year)
        if report.changed:
            calendar_was_changed(calendar_version, report.changed)
    return report


def _counts(rows: Any) -> dict[str, int]:
    kinds = [r.kind for r in rows]
    return {"holidays": kinds.count(DayKind.HOLIDAY), "workdays": kinds.count(DayKind.WORKDAY)}


def _describe(row: CalendarDay) -> str:
    return f"{row.date.isoformat()} {DayKind(row.kind).label} {row.name}".strip()
