"""The yearly list (年度清单): who ran what and when, the problems found and what changed, with
the figures per unit, and its .xlsx export."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from bangban.core.errors import NotFound
from bangban.core.export_actions import export_response
from bangban.core.http import AuthedHttpRequest
from bangban.core.views import page_errors

from .. import figures, queries
from ..access import is_reader, sees_runs


@login_required
@require_GET
@page_errors
def yearly(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if not sees_runs(user):
        raise NotFound()
    today = timezone.localdate()
    year = figures.parse_year(request.GET.get("year", ""), today.year)
    unit = request.GET.get("unit", "")
    runs = list(figures.yearly_runs(user, year, unit))
    totals = figures.unit_figures(runs, today)
    return render(
        request,
        "fieldruns/yearly.html",
        {
            "year": year,
            "years": list(range(today.year, today.year - 5, -1)),
            "unit": unit,
            "units": queries.units_of(user) if is_reader(user) else [],
            "rows": [(r, figures.findings_text(r), figures.changes_text(r, today)) for r in runs],
            "totals": totals,
            "headers": figures.FIGURE_HEADERS,
            "qs": f"year={year}&unit={unit}",
        },
    )


@login_required
@require_GET
@page_errors
def yearly_export(request: AuthedHttpRequest) -> HttpResponseBase:
    if not sees_runs(request.user):
        raise NotFound()
    return export_response(request, "fieldruns")
