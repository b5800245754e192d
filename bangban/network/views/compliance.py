"""Pages of compliance: the officer × month matrix, its export, and verification results."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_GET

from bangban.accounts.access import has_any_role
from bangban.accounts.roles import Role
from bangban.core.errors import NotFound
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import paginate
from bangban.core.views import page_errors
from bangban.core.xlsx import xlsx_response

from .. import actions, queries
from ..access import area_filter, can_see_compliance, is_overseer
from ..models import Verification
from ._common import _quarter, _quarter_choices

MONTH_HEADERS = ["第1月", "第2月", "第3月"]


@login_required
@require_GET
@page_errors
def compliance(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if not can_see_compliance(user):
        raise NotFound()
    quarter = _quarter(request)
    period = queries.period_for(quarter)
    view = request.GET.get("view", "officer")
    if view not in ("officer", "region", "enterprise"):
        view = "officer"
    context: dict[str, Any] = {
        "period": period,
        "quarter": quarter,
        "quarters": _quarter_choices(),
        "view": view,
        "overseer": is_overseer(user),
    }
    if view == "officer":
        area = area_filter(user, request.GET.get("region", ""))
        rows = queries.compliance_by_officer(user, period, region=area)
        context["area"] = area
        behind_only = request.GET.get("behind") == "1"
        if behind_only:
            rows = [r for r in rows if not r.tally.up_to_date]
        context["rows"] = rows
        context["behind_only"] = behind_only
    elif view == "region":
        context["region_rows"] = queries.compliance_by_region(user, period)
    else:
        officer = request.GET.get("officer", "")
        behind_only = request.GET.get("behind") == "1"
        rows_all = queries.compliance_enterprises(
            user, period, officer_id=int(officer) if officer.isdigit() else None, behind_only=behind_only
        )
        page = Paginator(rows_all, 50).get_page(request.GET.get("page"))
        params = request.GET.copy()
        params.pop("page", None)
        context.update(
            enterprise_rows=page.object_list, page=page, qs=params.urlencode(), behind_only=behind_only
        )
    return render(request, "network/compliance.html", context)


def _status(t: queries.Tally) -> str:
    return "达标" if t.up_to_date else f"落后（{t.behind} 家）"


@login_required
@require_GET
@page_errors
def compliance_export(request: AuthedHttpRequest) -> HttpResponseBase:
    user = request.user
    if not can_see_compliance(user):
        raise NotFound()
    quarter = _quarter(request)
    period = queries.period_for(quarter)
    view = "region" if request.GET.get("view") == "region" else "officer"
    month_headers = [f"{label}已联系/应联系" for label, _ in period.months]
    rows: list[list[Any]]
    if view == "region":
        headers = [
            "县区/功能区",
            "挂钩企业数",
            *month_headers,
            "本季度已走访",
            "落后企业数",
            "落后专员数",
            "状态",
        ]
        rows = [
            [
                r.region.name,
                r.tally.enterprises,
                *[f"{r.tally.contacted[i]}/{r.tally.required[i]}" for i in range(3)],
                r.tally.visited,
                r.tally.behind,
                r.officers_behind,
                _status(r.tally),
            ]
            for r in queries.compliance_by_region(user, period)
        ]
    else:
        headers = [
            "帮办专员",
            "所在单位",
            "职级",
            "挂钩企业数",
            *month_headers,
            "本季度已走访",
            "落后企业数",
            "状态",
        ]
        rows = [
            [
                r.officer.display_name,
                r.officer.unit.name if r.officer.unit else "",
                r.officer.get_rank_display(),
                r.tally.enterprises,
                *[f"{r.tally.contacted[i]}/{r.tally.required[i]}" for i in range(3)],
                r.tally.visited,
                r.tally.behind,
                _status(r.tally),
            ]
            for r in queries.compliance_by_officer(user, period)
        ]
    actions.do_record_compliance_export(acting_user=user, quarter=quarter.code, view=view, count=len(rows))
    return xlsx_response(
        f"联系走访达标情况_{quarter.code}_{'按区域' if view == 'region' else '按专员'}.xlsx",
        headers,
        rows,
        quarter.label,
    )


@login_required
@require_GET
@page_errors
def verification_results(request: AuthedHttpRequest) -> HttpResponse:
    """核验结果 published by 市工信局 (R4.3): visits confirmed / disputed / pending per region, and
    the disputed visits."""
    user = request.user
    if not is_overseer(user) and not has_any_role(user, {Role.SERVICE_OFFICER}):
        raise NotFound()
    quarter = _quarter(request)
    disputed = (
        queries.visits_in(user, quarter)
        .filter(verification=Verification.DISPUTED)
        .select_related("officer", "enterprise", "ticket")
        .prefetch_related("photos")
        .order_by("-contact_on")
    )
    result = paginate(request, disputed)
    return render(
        request,
        "network/verification.html",
        {
            "quarter": quarter,
            "quarters": _quarter_choices(),
            "rows": queries.verification_by_region(user, quarter),
            "page": result.page,
            "qs": result.querystring_without_page,
        },
    )
