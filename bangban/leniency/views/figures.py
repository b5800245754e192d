"""The monthly figures per unit (decisions, each outcome, deviations, reviews corrected) and their
.xlsx export."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_GET

from bangban.core.errors import NotFound
from bangban.core.http import AuthedHttpRequest
from bangban.core.views import page_errors
from bangban.core.xlsx import xlsx_response

from .. import actions, queries
from ..access import sees_decisions
from ..queries import FIGURE_FIELDS
from ._common import month_choices, month_of

FIGURE_HEADERS = ["单位", "决定数", "不予处罚", "减轻处罚", "从轻处罚", "依法处罚", "偏离建议", "审查纠正"]


@login_required
@require_GET
@page_errors
def figures(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if not sees_decisions(user):
        raise NotFound()
    month = month_of(request)
    rows = queries.unit_figures(user, month)
    totals = [sum(getattr(r, f) for r in rows) for f in FIGURE_FIELDS]
    return render(
        request,
        "leniency/figures.html",
        {
            "rows": rows,
            "totals": totals,
            "month": month,
            "months": month_choices(month),
            "headers": FIGURE_HEADERS,
        },
    )


@login_required
@require_GET
@page_errors
def figures_export(request: AuthedHttpRequest) -> HttpResponseBase:
    user = request.user
    if not sees_decisions(user):
        raise NotFound()
    month = month_of(request)
    rows = [[r.unit.name, *(getattr(r, f) for f in FIGURE_FIELDS)] for r in queries.unit_figures(user, month)]
    actions.do_record_export(acting_user=user, what="免罚轻罚月度统计", count=len(rows), month=month.code)
    return xlsx_response(f"免罚轻罚月度统计_{month.code}.xlsx", FIGURE_HEADERS, rows, month.label)
