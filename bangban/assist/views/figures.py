"""The month's figures page and its Excel export (the `figures` module's one definition)."""

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

from .. import figures
from ..access import is_reader, visible_sites
from ..models import ServiceType


@login_required
@require_GET
@page_errors
def figures_page(request: AuthedHttpRequest) -> HttpResponse:
    if not is_reader(request.user):
        raise NotFound()
    current = figures.Month.of(timezone.now())
    month = figures.Month.parse(request.GET.get("month"), current)
    sites = figures.site_rows(visible_sites(request.user), month)
    months = [current]
    while len(months) < 12:
        months.append(months[-1].previous())
    if month not in months:
        months.insert(0, month)
    return render(
        request,
        "assist/figures.html",
        {
            "month": month, "months": months, "levels": figures.level_rows(sites), "sites": sites,
            "types": ServiceType.choices,
        },
    )  # fmt: skip


@login_required
@require_GET
@page_errors
def figures_export(request: AuthedHttpRequest) -> HttpResponseBase:
    return export_response(request, "assist_figures")
