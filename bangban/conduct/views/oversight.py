"""作风办's pages: the flags with filters, the monthly figures per unit (and their .xlsx export), and
the settings the flags read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from bangban.core.errors import REFUSALS, ApplicationError, NotFound
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import paginate
from bangban.core.views import page_errors
from bangban.core.xlsx import xlsx_response
from bangban.org.models import Unit

from .. import actions, queries
from ..access import is_manager, is_overseer, require_manager
from ..actions.settings import BOUNDS
from ..models import FlagKind
from ._common import field_errors, month_choices, month_of

FIGURE_HEADERS = ["单位", "入企次数", "其中检查、执法", "作风预警", "企业反映不当"]


@login_required
@require_GET
@page_errors
def flags(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if not is_overseer(user):
        raise NotFound()
    month = month_of(request)
    params = {k: request.GET.get(k, "") for k in ("kind", "unit", "q")}
    params["month"] = month.code
    result = paginate(request, queries.flag_list(user, params))
    unit_ids = queries.flag_list(user, {"month": month.code}).values_list("unit_id", flat=True).distinct()
    return render(
        request,
        "conduct/flags.html",
        {
            "page": result.page,
            "qs": result.querystring_without_page,
            "values": params,
            "month": month,
            "months": month_choices(month),
            "kinds": FlagKind.choices,
            "units": Unit.objects.filter(pk__in=[u for u in unit_ids if u]).order_by("name"),
        },
    )


@login_required
@require_GET
@page_errors
def figures(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if not is_overseer(user):
        raise NotFound()
    month = month_of(request)
    rows = queries.unit_figures(user, month)
    totals = [sum(getattr(r, f) for r in rows) for f in ("entries", "inspections", "flags", "reported")]
    return render(
        request,
        "conduct/figures.html",
        {"rows": rows, "totals": totals, "month": month, "months": month_choices(month)},
    )


@login_required
@require_GET
@page_errors
def figures_export(request: AuthedHttpRequest) -> HttpResponseBase:
    user = request.user
    if not is_overseer(user):
        raise NotFound()
    month = month_of(request)
    rows = [
        [r.unit.name, r.entries, r.inspections, r.flags, r.reported]
        for r in queries.unit_figures(user, month)
    ]
    actions.do_record_figures_export(acting_user=user, month=month.code, count=len(rows))
    return xlsx_response(f"入企情况月度统计_{month.code}.xlsx", FIGURE_HEADERS, rows, month.label)


@login_required
@page_errors
def settings_page(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if not is_overseer(user):
        raise NotFound()
    current = queries.current_settings()
    values = {f: request.POST.get(f, getattr(current, f)) for f in BOUNDS}
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        require_manager(user)
        try:
            actions.do_update_settings(
                acting_user=user, values=request.POST, version=request.POST.get("version")
            )
        except REFUSALS:
            raise
        except ApplicationError as exc:
            errors, status = field_errors(exc), exc.status
        else:
            messages.success(request, "设置已保存，下次计算预警时生效")
            return redirect("conduct:settings")
    return render(
        request,
        "conduct/settings.html",
        {
            "rows": [(f, label, low, high, values[f]) for f, (label, low, high, _code) in BOUNDS.items()],
            "errors": errors,
            "current": current,
            "can_edit": is_manager(user),
        },
        status=status,
    )
