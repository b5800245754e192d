"""工作日历 pages: the year view with its twelve months, the due-date calculator (htmx), and the
administrator's forms (set/remove a day, import a year, download the template)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bangban.core.errors import REFUSALS, ApplicationError
from bangban.core.http import AuthedHttpRequest
from bangban.core.views import error_response

from . import queries
from .access import can_edit_calendar, require_calendar_admin_page, require_calendar_viewer
from .actions import FIRST_YEAR, LAST_YEAR, do_import_year, do_remove_day, do_set_day
from .arithmetic import SHANGHAI
from .forms import BetweenForm, DayForm, DueForm, ImportForm, RemoveDayForm
from .importing import template_workbook
from .models import DayKind
from .service import quote_between, quote_due


def _year_param(value: Any, default: int) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        return default
    return year if FIRST_YEAR <= year <= LAST_YEAR else default


def _calendar_url(year: int) -> str:
    return f"{reverse('workdays:calendar')}?year={year}"


def _due_context(form: DueForm) -> dict[str, Any]:
    context: dict[str, Any] = {"due_form": form, "quote": None, "due_error": None}
    if form.is_bound and form.is_valid():
        try:
            context["quote"] = quote_due(form.cleaned_data["received"], form.cleaned_data["n"])
        except REFUSALS:
            raise
        except ApplicationError as exc:
            context["due_error"] = exc.message
    return context


def _between_context(form: BetweenForm) -> dict[str, Any]:
    context: dict[str, Any] = {"between_form": form, "between": None, "between_error": None}
    if form.is_bound and form.is_valid():
        try:
            context["between"] = quote_between(form.cleaned_data["start"], form.cleaned_data["end"])
        except REFUSALS:
            raise
        except ApplicationError as exc:
            context["between_error"] = exc.message
    return context


def _page(
    request: AuthedHttpRequest,
    *,
    year: int | None = None,
    due_form: DueForm | None = None,
    between_form: BetweenForm | None = None,
    day_form: DayForm | None = None,
    status: int = 200,
) -> HttpResponse:
    now = timezone.now()
    today = queries.today_in_shanghai(now)
    if year is None:
        year = _year_param(request.GET.get("year"), today.year)
    row = queries.year_row(year)
    days = queries.year_days(year) if row is not None else []
    loaded_years = [s.year for s in queries.year_summaries()]
    nav_years = sorted(set(loaded_years[:6]) | {today.year - 1, today.year, today.year + 1, year})
    default_received = now.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M")
    context: dict[str, Any] = {
        "year": year,
        "year_row": row,
        "loaded": row is not None,
        "status_label": queries.status_label(row),
        "months": queries.month_grids(year, days, row is not None, today),
        "adjusted": [
            {"row": d, "weekday": queries.weekday_name(d.date), "normal": d.kind == DayKind.NORMAL}
            for d in days
        ],
        "holiday_count": sum(1 for d in days if d.kind == DayKind.HOLIDAY),
        "workday_count": sum(1 for d in days if d.kind == DayKind.WORKDAY),
        "nav_years": nav_years,
        "prev_year": year - 1 if year > FIRST_YEAR else None,
        "next_year": year + 1 if year < LAST_YEAR else None,
        "is_admin": can_edit_calendar(request.user),
        "day_form": day_form or DayForm(initial={"kind": DayKind.HOLIDAY}),
        "default_received": default_received,
    }
    context.update(_due_context(due_form or DueForm(initial={"received": default_received, "n": 5})))
    context.update(_between_context(between_form or BetweenForm()))
    return render(request, "workdays/calendar.html", context, status=status)


@login_required
@require_GET
def calendar_view(request: AuthedHttpRequest) -> HttpResponse:
    try:
        require_calendar_viewer(request.user)
    except REFUSALS:
        raise
    except ApplicationError as exc:
        return error_response(request, exc)
    return _page(request)


@login_required
@require_GET
def due_view(request: AuthedHttpRequest) -> HttpResponse:
    """The calculator: an htmx partial, or the whole page when JavaScript is off."""
    try:
        require_calendar_viewer(request.user)
    except REFUSALS:
        raise
    except ApplicationError as exc:
        return error_response(request, exc)
    form = DueForm(request.GET)
    if getattr(request, "htmx", False):
        return render(request, "workdays/_due_result.html", _due_context(form))
    return _page(request, due_form=form)


@login_required
@require_GET
def between_view(request: AuthedHttpRequest) -> HttpResponse:
    try:
        require_calendar_viewer(request.user)
    except REFUSALS:
        raise
    except ApplicationError as exc:
        return error_response(request, exc)
    form = BetweenForm(request.GET)
    if getattr(request, "htmx", False):
        return render(request, "workdays/_between_result.html", _between_context(form))
    return _page(request, between_form=form)


@login_required
@require_POST
def set_day_view(request: AuthedHttpRequest) -> HttpResponse:
    try:
        require_calendar_admin_page(request.user)
    except REFUSALS:
        raise
    except ApplicationError as exc:
        return error_response(request, exc)
    form = DayForm(request.POST)
    if not form.is_valid():
        year = _year_param(request.POST.get("year"), queries.today_in_shanghai().year)
        messages.error(request, "请检查表单中的错误")
        return _page(request, year=year, day_form=form, status=400)
    day = form.cleaned_data["date"]
    try:
        row = do_set_day(
            acting_user=request.user, date=day, kind=form.cleaned_data["kind"], name=form.cleaned_data["name"]
        )
    except REFUSALS:
        raise
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return _page(request, year=day.year, day_form=form, status=exc.status)
    messages.success(
        request, f"已将 {day.isoformat()} 设为{DayKind(row.kind).label}{'：' + row.name if row.name else ''}"
    )
    return redirect(_calendar_url(day.year))


@login_required
@require_POST
def remove_day_view(request: AuthedHttpRequest) -> HttpResponse:
    try:
        require_calendar_admin_page(request.user)
    except REFUSALS:
        raise
    except ApplicationError as exc:
        return error_response(request, exc)
    form = RemoveDayForm(request.POST)
    if not form.is_valid():
        messages.error(request, "日期无效")
        return redirect(reverse("workdays:calendar"))
    day = form.cleaned_data["date"]
    try:
        do_remove_day(acting_user=request.user, date=day)
    except REFUSALS:
        raise
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已撤销 {day.isoformat()} 的调整，该日恢复按周一至周五上班、周末休息计算")
    return redirect(_calendar_url(day.year))


@login_required
@require_http_methods(["GET", "POST"])
def import_view(request: AuthedHttpRequest) -> HttpResponse:
    try:
        require_calendar_admin_page(request.user)
    except REFUSALS:
        raise
    except ApplicationError as exc:
        return error_response(request, exc)
    today = queries.today_in_shanghai()
    context: dict[str, Any] = {"row_errors": [], "file_error": None}
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            year = form.cleaned_data["year"]
            try:
                result = do_import_year(
                    acting_user=request.user, year=year, uploaded_file=form.cleaned_data["file"]
                )
            except REFUSALS:
                raise
            except ApplicationError as exc:
                context["file_error"] = exc.message
                context["row_errors"] = exc.details or []
                context["error_code"] = exc.code
            else:
                messages.success(
                    request,
                    f"已导入 {year} 年日历：节假日 {result.holidays} 天，调休上班 {result.workdays} 天"
                    f"（替换原有调整 {result.replaced} 条）",
                )
                for warning in result.warnings:
                    messages.warning(request, f"第 {warning['row']} 行：{warning['message']}")
                return redirect(_calendar_url(year))
    else:
        year = _year_param(request.GET.get("year"), today.year + 1)
        form = ImportForm(initial={"year": year})
    context["form"] = form
    status = 400 if request.method == "POST" else 200
    return render(request, "workdays/import.html", context, status=status)


@login_required
@require_GET
def template_view(request: AuthedHttpRequest) -> HttpResponse:
    """The import template; for a loaded year it is pre-filled with that year's days."""
    try:
        require_calendar_admin_page(request.user)
    except REFUSALS:
        raise
    except ApplicationError as exc:
        return error_response(request, exc)
    year = _year_param(request.GET.get("year"), queries.today_in_shanghai().year + 1)
    rows: list[tuple[dt.date, str, str]] = []
    if queries.year_row(year) is not None:
        rows = [(d.date, d.kind, d.name) for d in queries.year_days(year, include_normal=False)]
    response = HttpResponse(
        template_workbook(year, rows),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    chinese = quote(f"{year}年工作日历导入模板.xlsx")
    response["Content-Disposition"] = (
        f"attachment; filename=\"calendar-{year}.xlsx\"; filename*=UTF-8''{chinese}"
    )
    return response
