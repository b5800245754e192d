"""`/api/v1/workdays`: the calendar and the deadline rule for other systems (R0.3, R0.7).

Reading is open to every logged-in non-enterprise user; changes are for administrators (403
`permission_denied` otherwise). Bad input answers 400 with a stable `code` (`invalid_date`,
`invalid_workdays`, `negative_workdays`, `invalid_kind`, `import_rejected` with per-row `details` …);
a year outside FIRST_YEAR–LAST_YEAR is refused by the schema (422 `validation_error`).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import File, Path, Query, Schema, Status
from ninja.files import UploadedFile

from bangban.core.answers import Router, answers
from bangban.core.errors import FileRejected, ValidationFailed

from . import queries
from .access import require_calendar_admin, require_calendar_viewer
from .actions import FIRST_YEAR, LAST_YEAR, do_import_year, do_remove_day, do_set_day
from .models import CalendarDay, DayKind
from .service import parse_instant, quote_between, quote_due

router = Router(tags=["工作日历"])

YEAR_TEXT = f"年度（{FIRST_YEAR}–{LAST_YEAR}）"
CalendarYear = Annotated[int, Query(ge=FIRST_YEAR, le=LAST_YEAR, description=YEAR_TEXT)]
CalendarPathYear = Annotated[int, Path(ge=FIRST_YEAR, le=LAST_YEAR, description=YEAR_TEXT)]
DATE_CODES = ("invalid_date", "date_out_of_range")


class YearOut(Schema):
    year: int
    source: str
    source_label: str
    loaded_at: dt.datetime
    note: str
    holidays: int
    workdays: int


class DayOut(Schema):
    date: dt.date
    weekday: int
    kind: str
    kind_label: str
    name: str
    source: str


class DueOut(Schema):
    received: dt.datetime
    n: int
    due_date: dt.date
    due_at: dt.datetime
    provisional: bool
    unloaded_years: list[int]


class BetweenOut(Schema):
    start: dt.datetime
    end: dt.datetime
    workdays: int
    provisional: bool
    unloaded_years: list[int]


class DayIn(Schema):
    date: str
    kind: str
    name: str = ""


class CalendarImportOut(Schema):
    year: int
    holidays: int
    workdays: int
    replaced: int
    warnings: list[dict[str, Any]]


def _user(request: HttpRequest) -> Any:
    return request.user


def _day_out(row: CalendarDay) -> DayOut:
    return DayOut(
        date=row.date,
        weekday=row.date.isoweekday(),
        kind=row.kind,
        kind_label=DayKind(row.kind).label,
        name=row.name,
        source=row.source,
    )


def _parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat((text or "").strip())
    except ValueError:
        raise ValidationFailed(
            f"无法识别的日期：“{(text or '')[:40]}”（应为 2026-10-01）", code="invalid_date"
        ) from None


def _parse_n(text: str) -> int:
    try:
        n = int((text or "").strip())
    except ValueError:
        raise ValidationFailed("工作日数必须是整数", code="invalid_workdays") from None
    if n < 0:
        raise ValidationFailed("工作日数不能为负数", code="negative_workdays")
    return n


@router.get("/years", response=answers(list[YearOut]), summary="已载入的年度")
def list_years(request: HttpRequest) -> list[YearOut]:
    require_calendar_viewer(_user(request))
    return [YearOut(**s.__dict__) for s in queries.year_summaries()]


@router.get("/days", response=answers(list[DayOut]), summary="某年度的节假日与调休上班日")
def list_days(request: HttpRequest, year: CalendarYear | None = None) -> list[DayOut]:
    require_calendar_viewer(_user(request))
    year = year if year is not None else queries.today_in_shanghai().year
    return [_day_out(d) for d in queries.year_days(year, include_normal=False)]


@router.get(
    "/due",
    response=answers(DueOut, DATE_CODES, "invalid_workdays", "negative_workdays"),
    summary="期限：受理时间 + N 个工作日",
)
def due(request: HttpRequest, received: str, n: str) -> DueOut:
    """`received`: a date (`2026-09-30`) or an ISO datetime (`2026-09-30T18:00`, Asia/Shanghai
    unless an offset is given). The receipt day is not counted; `due_at` is 23:59:59 Asia/Shanghai
    of the n-th working day after it. `provisional`: a year on the way has no official calendar
    loaded yet (`unloaded_years`), so it was reckoned on weekends only."""
    require_calendar_viewer(_user(request))
    quote = quote_due(parse_instant(received), _parse_n(n))
    return DueOut(
        received=quote.received,
        n=quote.n,
        due_date=quote.due.date,
        due_at=quote.due.at,
        provisional=quote.provisional,
        unloaded_years=list(quote.unloaded_years),
    )


@router.get("/between", response=answers(BetweenOut, DATE_CODES), summary="两个时间之间的工作日数")
def between(request: HttpRequest, start: str, end: str) -> BetweenOut:
    """Working days after `start`'s date up to and including `end`'s date (negative if `end` is
    earlier)."""
    require_calendar_viewer(_user(request))
    quote = quote_between(parse_instant(start), parse_instant(end))
    return BetweenOut(
        start=quote.start,
        end=quote.end,
        workdays=quote.workdays,
        provisional=quote.provisional,
        unloaded_years=list(quote.unloaded_years),
    )


@router.post(
    "/days",
    response=answers(DayOut, DATE_CODES, "invalid_year", "invalid_kind", "name_too_long"),
    summary="设置节假日或调休上班日（管理员）",
)
def set_day(request: HttpRequest, payload: DayIn) -> DayOut:
    user = _user(request)
    require_calendar_admin(user)
    row = do_set_day(acting_user=user, date=_parse_date(payload.date), kind=payload.kind, name=payload.name)
    return _day_out(row)


@router.delete(
    "/days/{day}",
    response=answers({204: None}, DATE_CODES, "invalid_year"),
    summary="撤销某日的调整（管理员）",
)
def remove_day(request: HttpRequest, day: str) -> Status[None]:
    user = _user(request)
    require_calendar_admin(user)
    do_remove_day(acting_user=user, date=_parse_date(day))
    return Status(204, None)


@router.post(
    "/years/{year}/import",
    response=answers(CalendarImportOut, FileRejected, "file_too_large", "import_rejected"),
    summary="导入年度日历 .xlsx/.csv（管理员）",
)
def import_year(request: HttpRequest, year: CalendarPathYear, file: File[UploadedFile]) -> CalendarImportOut:
    user = _user(request)
    require_calendar_admin(user)
    result = do_import_year(acting_user=user, year=year, uploaded_file=file)
    return CalendarImportOut(**result.__dict__)
