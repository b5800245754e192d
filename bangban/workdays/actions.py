"""Every change to the working-day calendar (R0.3). Administrators only; each change is one audit
event with before/after, bumps the calendar version (all processes rebuild within
`service.CHECK_INTERVAL_SECONDS`, this one at once) and, after commit, sends
`service.calendar_changed` with the years concerned.

`acting_user=None` means the system or the command line (`manage.py import_calendar` without
`--user`); pages and the API always pass the logged-in user, whose role is checked.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction

from bangban.accounts.models import User
from bangban.audit.actions import diff, record, snapshot
from bangban.core.errors import FileRejected, ValidationFailed
from bangban.core.kit import durable_action

from .access import require_calendar_admin
from .errors import DayNotAdjusted, ImportRejected, YearNotLoaded
from .importing import UnreadableFile, parse_calendar_file
from .loader import package_days
from .models import CalendarDay, CalendarSource, CalendarYear, DayKind
from .service import calendar_was_changed, lock_calendar

__all__ = ["FIRST_YEAR", "LAST_YEAR", "ImportResult", "do_import_year", "do_remove_day", "do_set_day"]

# Years an administrator may maintain: the product's working life, with room on both sides.
FIRST_YEAR = 2000
LAST_YEAR = 2100

SETTABLE_KINDS = (DayKind.HOLIDAY, DayKind.WORKDAY)


def _check_user(acting_user: User | None) -> None:
    if acting_user is not None:
        require_calendar_admin(acting_user)


def _check_year(year: Any) -> int:
    try:
        value = int(year)
    except (TypeError, ValueError):
        raise ValidationFailed("年份无效", code="invalid_year") from None
    if not FIRST_YEAR <= value <= LAST_YEAR:
        raise ValidationFailed(f"年份应在 {FIRST_YEAR}–{LAST_YEAR} 之间", code="invalid_year")
    return value


def _check_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise ValidationFailed("日期无效", code="invalid_date")
    _check_year(value.year)
    return value


def _describe(row: CalendarDay) -> str:
    return f"{row.date.isoformat()} {DayKind(row.kind).label} {row.name}".strip()


@durable_action
def do_set_day(*, acting_user: User, date: dt.date, kind: str, name: str = "") -> CalendarDay:
    """Declare `date` a holiday or a make-up workday (overrides the package for that day).

    Only in a year whose calendar is loaded: in any other year single days would be ignored (the
    year is reckoned on weekends only until its full calendar is imported).
    """
    _check_user(acting_user)
    day = _check_date(date)
    if kind not in SETTABLE_KINDS:
        raise ValidationFailed("类型应为 节假日 或 调休上班", code="invalid_kind")
    name = (name or "").strip()
    if len(name) > 40:
        raise ValidationFailed("名称不能超过 40 个字", code="name_too_long")
    version = lock_calendar()
    if not CalendarYear.objects.filter(year=day.year).exists():
        raise YearNotLoaded(
            f"{day.year} 年日历尚未载入，不能单独调整其中的日期：请先导入该年度全年日历"
            "（国务院办公厅每年 11 月前后公布下一年度安排）"
        )
    row = CalendarDay.objects.select_for_update().filter(date=day).first()
    if row is not None and (row.kind, row.name, row.source) == (kind, name, CalendarSource.MANUAL):
        return row
    before: dict[str, Any] | None = snapshot(row, exclude=("updated_at",)) if row is not None else None
    if row is None:
        row = CalendarDay.objects.create(date=day, kind=kind, name=name, source=CalendarSource.MANUAL)
    else:
        row.kind, row.name, row.source = kind, name, CalendarSource.MANUAL
        row.save(update_fields=["kind", "name", "source", "updated_at"])
    after: dict[str, Any] | None = snapshot(row, exclude=("updated_at",))
    before, after = diff(before, after)
    record("calendar.day_set", actor=acting_user, obj=row, before=before, after=after)
    calendar_was_changed(version, [day.year])
    return row


@durable_action
def do_remove_day(*, acting_user: User, date: dt.date) -> None:
    """Undo the holiday or make-up workday on `date`: the day follows the weekday rule again.

    A day the package declares keeps a `normal` row (source manual) so that reloading the package
    does not bring it back; any other day's row is deleted.
    """
    _check_user(acting_user)
    day = _check_date(date)
    version = lock_calendar()
    row = CalendarDay.objects.select_for_update().filter(date=day).first()
    if row is None or row.kind == DayKind.NORMAL:
        raise DayNotAdjusted(f"{day.isoformat()} 没有节假日或调休安排，无需删除")
    before: dict[str, Any] | None = snapshot(row, exclude=("updated_at",))
    year = CalendarYear.objects.filter(year=day.year).first()
    from_package = (
        year is not None and year.source == CalendarSource.PACKAGE and day in package_days().get(day.year, {})
    )
    if from_package:
        row.kind, row.name, row.source = DayKind.NORMAL, "", CalendarSource.MANUAL
        row.save(update_fields=["kind", "name", "source", "updated_at"])
        after: dict[str, Any] | None = snapshot(row, exclude=("updated_at",))
        before, after = diff(before, after)
    else:
        after = None
        row_id = row.pk
        row.delete()
        row.pk = row_id
    record(
        "calendar.day_remove",
        actor=acting_user,
        object_type=CalendarDay._meta.label_lower,
        object_id=row.pk,
        object_repr=str(row.date),
        before=before,
        after=after,
    )
    calendar_was_changed(version, [day.year])


@dataclass
class ImportResult:
    year: int
    holidays: int
    workdays: int
    replaced: int
    """How many adjusted days the year had before (now replaced)."""
    warnings: list[dict[str, Any]] = field(default_factory=list)


def _read_upload(uploaded_file: Any) -> tuple[str, bytes]:
    name = str(getattr(uploaded_file, "name", "") or "")
    limit = int(getattr(settings, "BANGBAN_MAX_UPLOAD_BYTES", 20 * 1024 * 1024))
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > limit:
        raise FileRejected(f"文件过大（上限 {limit // (1024 * 1024)} MB）", code="file_too_large")
    if hasattr(uploaded_file, "seek"):
        with contextlib.suppress(OSError, ValueError):
            uploaded_file.seek(0)
    data = uploaded_file.read(limit + 1)
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > limit:
        raise FileRejected(f"文件过大（上限 {limit // (1024 * 1024)} MB）", code="file_too_large")
    return name.rsplit("/", 1)[-1], data


def do_import_year(*, acting_user: User | None, year: int, uploaded_file: Any) -> ImportResult:
    """Replace `year`'s holidays and make-up workdays with those of an .xlsx/.csv file and mark the
    year loaded (source: import). All or nothing: any row error → ImportRejected listing every row
    (details), nothing written. The package loader never touches an imported year again."""
    _check_user(acting_user)
    year = _check_year(year)
    filename, data = _read_upload(uploaded_file)
    try:
        parsed = parse_calendar_file(year, filename, data)
    except UnreadableFile as exc:
        raise FileRejected(exc.message, code=exc.code) from None
    if parsed.errors:
        raise ImportRejected(
            f"导入文件有 {len(parsed.errors)} 处错误，未写入任何数据",
            details=[e.as_dict() for e in parsed.errors],
        )
    with transaction.atomic(durable=True):
        version = lock_calendar()
        year_row = CalendarYear.objects.select_for_update().filter(year=year).first()
        old_rows = list(
            CalendarDay.objects.select_for_update().filter(
                date__range=(dt.date(year, 1, 1), dt.date(year, 12, 31))
            )
        )
        before: dict[str, Any] | None = None
        if year_row is not None:
            before = {
                **snapshot(year_row, exclude=("loaded_at",)),
                "days": [_describe(r) for r in old_rows],
            }
        CalendarDay.objects.filter(pk__in=[r.pk for r in old_rows]).delete()
        new_rows = [
            CalendarDay(date=day, kind=kind, name=name, source=CalendarSource.IMPORT)
            for day, (kind, name) in sorted(parsed.days.items())
        ]
        CalendarDay.objects.bulk_create(new_rows)
        note = f"导入文件 {filename}"[:200]
        if year_row is None:
            year_row = CalendarYear.objects.create(
                year=year, source=CalendarSource.IMPORT, loaded_by=acting_user, note=note
            )
        else:
            year_row.source = CalendarSource.IMPORT
            year_row.loaded_by = acting_user
            year_row.note = note
            year_row.save(update_fields=["source", "loaded_by", "note", "loaded_at"])
        after = {
            **snapshot(year_row, exclude=("loaded_at",)),
            "days": [_describe(r) for r in new_rows],
            "warnings": [w.as_dict() for w in parsed.warnings],
        }
        record("calendar.year_import", actor=acting_user, obj=year_row, before=before, after=after)
        calendar_was_changed(version, [year])
    kinds = [kind for kind, _ in parsed.days.values()]
    return ImportResult(
        year=year,
        holidays=kinds.count(DayKind.HOLIDAY),
        workdays=kinds.count(DayKind.WORKDAY),
        replaced=sum(1 for r in old_rows if r.kind != DayKind.NORMAL),
        warnings=[w.as_dict() for w in parsed.warnings],
    )
