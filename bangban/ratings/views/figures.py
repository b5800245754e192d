"""The monthly rating figures and the rating audit page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone

from bangban.accounts.access import has_any_role
from bangban.core.errors import REFUSALS, ApplicationError, NotFound
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import paginate
from bangban.core.views import page_errors
from bangban.core.xlsx import xlsx_response
from bangban.org.models import Unit

from .. import access, actions
from ..figures import FIGURE_LABELS, monthly_bad_ratings, unit_month_figures
from ..models import RatedSubject
from ..queries import REASONS, suspicious_case_ratings
from ._common import _links, _month


def _figure_rows(year: int, month: int) -> list[dict[str, Any]]:
    figures = unit_month_figures(year, month)
    names = dict(Unit.objects.filter(pk__in=figures).values_list("pk", "name"))
    rows = [{"unit_id": uid, "unit": names.get(uid, str(uid)), **f} for uid, f in figures.items()]
    return sorted(rows, key=lambda r: r["unit"])


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


@login_required
@page_errors
def figures(request: HttpRequest) -> HttpResponseBase:
    if not has_any_role(request.user, access.FIGURE_ROLES):
        raise NotFound()
    year, month = _month(request)
    rows = _figure_rows(year, month)
    condition = access.unit_condition(request.user)
    bad = monthly_bad_ratings(year, month)
    if condition is not None:
        bad = bad.filter(condition)
        allowed = set(
            Unit.objects.filter(access.unit_condition(request.user, field="self") or Q()).values_list(
                "pk", flat=True
            )
        )
        rows = [r for r in rows if r["unit_id"] in allowed]
    if request.GET.get("format") == "xlsx":
        headers = ["单位", "答复件数", "已回访", *FIGURE_LABELS.values(), "评价数", "满意", "差评", "主动评价",
                   "整改件数", "已整改", "回头看件数", "办结不实"]  # fmt: skip
        data = [
            [r["unit"], r["answered"], r["followed_up"], *(_pct(r[k]) for k in FIGURE_LABELS), r["ratings"],
             r["satisfied"], r["bad"], r["proactive"], r["rectifications"], r["rectified"], r["rechecked"],
             r["not_solved"]]
            for r in rows
        ]  # fmt: skip
        bad_rows = [
            [timezone.localtime(b.created_at).strftime("%Y-%m-%d %H:%M"), b.unit.name, b.get_level_display(),
             b.get_stage_display(), b.get_channel_display(), str(b.subject), b.comment,
             getattr(getattr(b, "rectification", None), "number", "")]
            for b in bad
        ]  # fmt: skip
        return xlsx_response(
            f"好差评月度统计-{year}-{month:02d}.xlsx",
            headers,
            data,
            "月度统计",
            extra_sheets=[
                (
                    "差评清单",
                    ["时间", "单位", "等级", "类别", "渠道", "评价对象", "内容", "整改编号"],
                    bad_rows,
                )
            ],
        )
    return render(
        request,
        "ratings/figures.html",
        {"rows": rows, "bad": bad[:200], "month": f"{year}-{month:02d}", "labels": FIGURE_LABELS,
         "links": _links(request.user)},
    )  # fmt: skip


# --- 评价核查: ratings given in breach of the rules, and voiding them ------------------------------------


@login_required
@page_errors
def audit(request: AuthedHttpRequest) -> HttpResponse:
    """评价核查 (营商办): case ratings given through the removed case QR code or by a member of a unit
    handling the case; 「作废」 with a reason voids one (version-checked, audited)."""

    if not has_any_role(request.user, access.VOID_ROLES):
        raise NotFound()
    error = None
    if request.method == "POST":
        try:
            rating = actions.do_void_rating(
                acting_user=request.user,
                rating_id=request.POST.get("rating"),
                reason=request.POST.get("reason", ""),
                expected_version=request.POST.get("version"),
            )
            messages.success(request, f"评价 #{rating.pk} 已作废")
            return redirect(request.get_full_path())
        except REFUSALS:
            raise
        except ApplicationError as exc:
            error = exc
    reason = request.GET.get("reason") or ""
    state = request.GET.get("state") or "open"
    unit = request.GET.get("unit") or ""
    qs = suspicious_case_ratings(
        reason=reason if reason in REASONS else "",
        state=state if state in ("open", "voided", "all") else "open",
        unit_id=unit if unit.isdigit() else None,
    )
    result = paginate(request, qs)
    return render(
        request,
        "ratings/audit.html",
        {
            "page": result.page,
            "qs": result.querystring_without_page,
            "reasons": REASONS,
            "reason": reason,
            "state": state,
            "unit": unit,
            "units": Unit.objects.filter(
                pk__in=RatedSubject.objects.filter(kind="case").values("unit_id")
            ).order_by("name"),
            "error": error,
            "failed_rating": request.POST.get("rating") if error else "",
            "links": _links(request.user),
        },
        status=error.status if error else 200,
    )
