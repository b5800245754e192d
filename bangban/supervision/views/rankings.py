"""The supervision index and rankings: list, detail, compute, freeze, drill-down and export (R14, R15)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bangban.core.errors import REFUSALS, ApplicationError, NotFound
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import paginate
from bangban.core.replica import replica_reads
from bangban.core.xlsx import xlsx_response
from bangban.org.models import Unit

from .. import access, actions, dashboard, definitions, figures, sources
from ..models import Ranking, RankingStatus
from ._common import _cases_xlsx, _last_month, page


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


# --- rankings ---------------------------------------------------------------------------------


@page
@require_GET
@replica_reads
def index(request: AuthedHttpRequest) -> HttpResponse:
    if access.can_view(request.user):
        return redirect("supervision:rankings")
    return redirect("supervision:ledgers")


@page
@require_http_methods(["GET", "POST"])
@replica_reads
def rankings(request: AuthedHttpRequest) -> HttpResponseBase:
    access.require_viewer(request.user)
    error = None
    if request.method == "POST":
        try:
            y, m = dashboard.parse_month(request.POST.get("month"))
            actions.do_compute_ranking(request.user, y, m)
            messages.success(request, f"已计算 {y}年{m}月排名")
            return redirect("supervision:ranking", year=y, month=m)
        except REFUSALS:
            raise
        except ApplicationError as exc:
            error = exc.message
    ly, lm = _last_month()
    return render(
        request,
        "supervision/rankings.html",
        {
            "rankings": Ranking.objects.all()[:36],
            "last_month": f"{ly}-{lm:02d}",
            "last_year": ly,
            "last_month_number": lm,
            "can_manage": access.can_manage(request.user),
            "error": error,
            "settings": actions.current_settings(),
        },
    )


def _ranking_context(request: AuthedHttpRequest, year: int, month: int) -> dict[str, Any]:
    ctx = actions.ranking_view(request.user, year, month, request.GET.get("scope"))
    for r in ctx["rows"]:
        r["shown"] = {k: _pct(r[k]) for k in figures.RATE_FIELDS}
    ranking = ctx["ranking"]
    return {
        **ctx,
        "scopes": definitions.SCOPES,
        "ratings_available": bool(ctx["sources"].get("ratings")),
        "no_source": sources.NO_SOURCE,
        "frozen": ranking is not None and ranking.status == RankingStatus.FROZEN,
        "can_manage": access.can_manage(request.user),
    }


@page
@require_GET
@replica_reads
def ranking(request: AuthedHttpRequest, year: int, month: int) -> HttpResponseBase:
    access.require_viewer(request.user)
    ctx = _ranking_context(request, year, month)
    if request.GET.get("export") == "xlsx":
        headers = [
            "名次", "单位", "诉求数", "派单数", "及时签收", "响应率", "办结数", "按期办结", "按期办结率",
            "回访数", "已解决", "解决率", "评价数", "满意数", "满意率", "差评数", "差评整改率",
            "重复反映", "超期数", "综合得分", "末位",
        ]  # fmt: skip
        data = [
            [
                r["rank"] or "不参与排名", r["unit_name"], r["total"], r["dispatched"], r["responded"],
                r["response_rate"], r["closed"], r["closed_on_time"], r["on_time_rate"], r["follow_ups"],
                r["resolved"], r["resolution_rate"], r["rated"], r["satisfied"], r["satisfaction_rate"],
                r["bad"], r["rectification_rate"], r["repeat_count"], r["overdue_count"], r["score"],
                "是" if r["is_bottom"] else "",
            ]
            for r in ctx["rows"]
        ]  # fmt: skip
        data += [[], ["统计口径"], *[[line] for line in ctx["rules"]]]
        name = f"{year}年{month}月单位排名（{ctx['scope_label']}）.xlsx"
        return xlsx_response(name, headers, data, "排名")
    return render(request, "supervision/ranking.html", ctx)


@page
@require_POST
def ranking_compute(request: AuthedHttpRequest, year: int, month: int) -> HttpResponseBase:
    weights = None
    if request.POST.get("weight_response") is not None:
        weights = (
            request.POST.get("weight_response"),
            request.POST.get("weight_resolution"),
            request.POST.get("weight_satisfaction"),
        )
    try:
        actions.do_compute_ranking(
            request.user,
            year,
            month,
            weights=weights,
            min_cases=request.POST.get("min_cases"),
            version=request.POST.get("version"),
        )
        messages.success(request, "排名已重新计算")
    except REFUSALS:
        raise
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("supervision:ranking", year=year, month=month)


@page
@require_POST
def ranking_freeze(request: AuthedHttpRequest, year: int, month: int) -> HttpResponseBase:
    try:
        actions.do_freeze_ranking(request.user, year, month, version=request.POST.get("version"))
        messages.success(request, "排名已冻结为快照")
    except REFUSALS:
        raise
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("supervision:ranking", year=year, month=month)


@page
@require_GET
@replica_reads
def drill(request: AuthedHttpRequest, year: int, month: int, unit_id: int, figure: str) -> HttpResponseBase:

    access.require_viewer(request.user)
    unit = Unit.objects.select_related("region").filter(pk=unit_id).first()
    if unit is None:
        raise NotFound()
    access.check_unit(request.user, unit)
    scope = figures.check_scope(request.GET.get("scope"))
    qs, snapshot = actions.drill_queryset(year, month, unit.pk, figure, scope)
    qs = access.openable_cases(request.user, qs)
    label = figures.DRILLS[figure].label
    if request.GET.get("export") == "xlsx":
        return _cases_xlsx(f"{unit.name}{year}年{month}月{label}.xlsx", qs)
    result = paginate(request, qs)
    return render(
        request,
        "supervision/cases.html",
        {
            "title": f"{unit.name} · {year}年{month}月 · {label}"
            + ("" if scope == definitions.DEFAULT_SCOPE else f"（{definitions.scope(scope).label}）"),
            "page": result.page,
            "qs": result.querystring_without_page,
            "rows": result.items,
            "back": reverse("supervision:ranking", args=[year, month]),
            "drills": figures.DRILLS,
            "drill_base": (year, month, unit.pk),
            "figure": figure,
            "scope": scope,
            "snapshot": snapshot,
        },
    )
