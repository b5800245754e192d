"""Reads for the calendar page and the API (the arithmetic itself goes through `service`)."""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.utils import timezone

from .arithmetic import SHANGHAI
from .models import CalendarDay, CalendarSource, CalendarYear, DayKind

WEEKDAY_NAMES = "一二三四五六日"


def today_in_shanghai(now: dt.datetime | None = None) -> dt.date:
    return (now or timezone.now()).astimezone(SHANGHAI).date()


@dataclass(frozen=True)
class YearSummary:
    year: int
    source: str
    source_label: str
    loaded_at: dt.datetime
    loaded_by: str
    note: str
    holidays: int
    workdays: int


def year_summaries() -> list[YearSummary]:
    """Every loaded year, newest first, with its counts of holidays and make-up workdays."""
    counts: dict[tuple[int, str], int] = {
        (row["y"], row["kind"]): row["n"]
        for row in CalendarDay.objects.annotate(y=ExtractYear("date"))
        .values("y", "kind")
        .annotate(n=Count("id"))
        .order_by()
    }
    result = []
    for year in CalendarYear.objects.select_related("loaded_by").order_by("-year"):
        result.append(
            YearSummary(
                year=year.year,
                source=year.source,
                source_label=CalendarSource(year.source).label,
                loaded_at=year.loaded_at,
                loaded_by=year.loaded_by.display_name if year.loaded_by else "系统",
                note=year.note,
                holidays=counts.get((year.year, DayKind.HOLIDAY), 0),
                workdays=counts.get((year.year, DayKind.WORKDAY), 0),
            )
        )
    return result


def year_row(year: int) -> CalendarYear | None:
    return CalendarYear.objects.select_related("loaded_by").filter(year=year).first()


def year_days(year: int, *, include_normal: bool = True) -> list[CalendarDay]:
    qs = CalendarDay.objects.filter(date__range=(dt.date(year, 1, 1), dt.date(year, 12, 31)))
    if not include_normal:
        qs = qs.exclude(kind=DayKind.NORMAL)
    return list(qs.order_by("date"))


def status_label(row: CalendarYear | None) -> str:
    if row is None:
        return "未载入——按周末推算（临时）"
    if row.source == CalendarSource.PACKAGE:
        return "已载入（内置的国家法定节假日安排）"
    if row.source == CalendarSource.IMPORT:
        return "已载入（管理员导入）"
    return "已载入（管理员手工维护）"


# --- month grids (pure) --------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    date: dt.date
    in_month: bool
    kind: str  # "holiday" | "makeup" | "weekend" | "workday"
    name: str
    today: bool

    @property
    def label(self) -> str:
        base = {"holiday": "节假日", "makeup": "调休上班", "weekend": "周末", "workday": "工作日"}[self.kind]
        return f"{base} {self.name}".strip()


@dataclass
class Month:
    month: int
    weeks: list[list[Cell]] = field(default_factory=list)
    workdays: int = 0


def month_grids(year: int, days: list[CalendarDay], loaded: bool, today: dt.date) -> list[Month]:
    """Twelve Monday-first month grids. In a year that is not loaded only weekends are marked."""
    by_date: dict[dt.date, Any] = {d.date: d for d in days} if loaded else {}
    cal = _calendar.Calendar(firstweekday=0)
    months = []
    for m in range(1, 13):
        month = Month(month=m)
        for week in cal.monthdatescalendar(year, m):
            cells = []
            for d in week:
                row = by_date.get(d)
                if row is not None and row.kind == DayKind.HOLIDAY:
                    kind, name = "holiday", row.name
                elif row is not None and row.kind == DayKind.WORKDAY:
                    kind, name = "makeup", row.name
                else:
                    kind, name = ("weekend" if d.weekday() >= 5 else "workday"), ""
                cells.append(Cell(d, d.month == m, kind, name, d == today))
                if d.month == m and kind in ("makeup", "workday"):
                    month.workdays += 1
            month.weeks.append(cells)
        months.append(month)
    return months


def weekday_name(d: dt.date) -> str:
    return f"星期{WEEKDAY_NAMES[d.weekday()]}"
