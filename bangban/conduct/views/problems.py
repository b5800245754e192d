"""The 问题清单 pages (R7.1): the list with filters and .xlsx export, 作风办's form for a problem found
by a 座谈会 or 明察暗访, an item with its case's progress and the 转办 / 直接办结 forms, and the monthly
list per region and unit (with its .xlsx export)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from bangban.core.errors import REFUSALS, ApplicationError, NotFound
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import paginate
from bangban.core.views import page_errors
from bangban.core.xlsx import xlsx_response
from bangban.org.models import Unit
from bangban.org.queries import picked_units
from bangban.tickets.models import Urgency

from .. import actions, queries, queries_problems
from ..access import is_manager, is_overseer, require_manager, visible_problems
from ..models import ProblemItem, ProblemSource
from ..workflow import PROBLEM
from ._common import field_errors, month_choices, month_of, resolve_enterprise
from .ztc import regions

FILTERS = ("source", "progress", "region", "unit", "month", "q")
LIST_HEADERS = ["发现日期", "来源", "来源说明", "企业", "地区", "问题描述", "责任单位", "进度", "诉求编号", "办理期限",
                "是否超期", "办结说明"]  # fmt: skip
MONTHLY_HEADERS = ["地区", "责任单位", "发现问题", "已转办", "已办结", "未办结", "已超期"]


def _units() -> Any:
    return Unit.objects.filter(is_active=True).order_by("region__path", "name")


def _row(item: ProblemItem, now: Any) -> list[Any]:
    progress = queries_problems.problem_progress(item)
    case = item.case if item.case_id else None
    return [
        item.found_on,
        item.get_source_display(),
        item.source_ref,
        item.enterprise.name if item.enterprise_id and item.enterprise else "",
        item.region.name,
        item.text,
        item.unit.name if item.unit_id and item.unit else "",
        queries_problems.PROGRESS[progress],
        case.number if case else "",
        timezone.localtime(case.due_at).strftime("%Y-%m-%d %H:%M") if case and case.due_at else "",
        "是" if queries_problems.is_overdue(item, now) else "",
        item.closed_note,
    ]


def decorate(items: Any, now: Any) -> list[ProblemItem]:
    """Each item with its progress and overdue flag, for the templates."""
    out = []
    for item in items:
        item.progress = queries_problems.problem_progress(item)  # type: ignore[attr-defined]
        item.progress_label = queries_problems.PROGRESS[item.progress]  # type: ignore[attr-defined]
        item.overdue = queries_problems.is_overdue(item, now)  # type: ignore[attr-defined]
        out.append(item)
    return out


@login_required
@require_GET
@page_errors
def problems(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if not is_overseer(user):
        raise NotFound()
    now = timezone.now()
    params = {k: request.GET.get(k, "") for k in FILTERS}
    result = paginate(request, queries_problems.problem_list(user, params, now))
    return render(
        request,
        "conduct/problems_list.html",
        {
            "page": result.page,
            "items": decorate(result.page, now),
            "qs": result.querystring_without_page,
            "values": params,
            "sources": ProblemSource.choices,
            "progresses": queries_problems.PROGRESS_FILTERS.items(),
            "regions": regions(),
            "units": _units(),
            "can_manage": is_manager(user),
        },
    )


@login_required
@require_GET
@page_errors
def problems_export(request: AuthedHttpRequest) -> HttpResponseBase:
    user = request.user
    if not is_overseer(user):
        raise NotFound()
    now = timezone.now()
    params = {k: request.GET.get(k, "") for k in FILTERS}
    rows = [_row(i, now) for i in queries_problems.problem_list(user, params, now)]
    actions.do_record_ztc_export(acting_user=user, what="问题清单", count=len(rows), filters=params)
    return xlsx_response("问题清单.xlsx", LIST_HEADERS, rows, "问题清单")


@login_required
@page_errors
def problem_new(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    require_manager(user)
    today = timezone.localdate()
    names = ("source", "source_ref", "enterprise", "region", "text", "found_on", "item", "unit")
    values: dict[str, Any] = {n: request.POST.get(n, "") for n in names}
    values["source"] = values["source"] or request.GET.get("source", ProblemSource.COVERT)
    if request.method != "POST":
        values["found_on"] = today.isoformat()
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        try:
            item = actions.do_record_problem(
                acting_user=user,
                data=actions.ProblemInput(
                    source=values["source"],
                    source_ref=values["source_ref"],
                    enterprise_id=resolve_enterprise(user, values["enterprise"]),
                    region_code=values["region"],
                    text=values["text"],
                    found_on=values["found_on"],
                    item_id=values["item"],
                    unit_id=values["unit"],
                ),
                now=timezone.now(),
            )
        except REFUSALS:
            raise
        except ApplicationError as exc:
            errors, status = field_errors(exc), exc.status
        else:
            messages.success(request, "问题已列入问题清单，待转办")
            return redirect("conduct:problem_detail", pk=item.pk)
    return render(
        request,
        "conduct/problems_form.html",
        {
            "values": values,
            "errors": errors,
            "sources": ProblemSource.choices,
            "regions": regions(),
            "unit_selected": picked_units([values.get("unit", "")]),
            "items": queries.citable_items(today),
        },
        status=status,
    )


@login_required
@page_errors
def problem_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    item = (
        visible_problems(user)
        .select_related("enterprise", "region", "unit", "case", "case__lead_unit", "found_by", "cited_item")
        .filter(pk=pk)
        .first()
    )
    if item is None:
        raise NotFound()
    errors: dict[str, str] = {}
    status = 200
    values = {k: request.POST.get(k, "") for k in ("unit", "urgency", "note", "closed_note")}
    values["unit"] = values["unit"] or (str(item.unit_id) if item.unit_id else "")
    values["urgency"] = values["urgency"] or Urgency.GENERAL
    if request.method == "POST":
        now = timezone.now()
        try:
            if request.POST.get("do") == "transfer":
                actions.do_transfer_problem(
                    acting_user=user,
                    item_id=pk,
                    unit_id=values["unit"],
                    urgency=values["urgency"],
                    note=values["note"],
                    version=request.POST.get("version"),
                    now=now,
                )
                messages.success(request, "已转办，诉求已派至责任单位")
            else:
                actions.do_resolve_problem(
                    acting_user=user,
                    item_id=pk,
                    note=values["closed_note"],
                    version=request.POST.get("version"),
                    now=now,
                )
                messages.success(request, "已直接办结")
        except REFUSALS:
            raise
        except ApplicationError as exc:
            errors, status = field_errors(exc), exc.status
        else:
            return redirect("conduct:problem_detail", pk=pk)
    decorate([item], timezone.now())
    return render(
        request,
        "conduct/problems_detail.html",
        {
            "item": item,
            "values": values,
            "errors": errors,
            "unit_selected": picked_units([values["unit"]]),
            "urgencies": Urgency.choices,
            "can_manage": is_manager(user),
            "can_act": is_manager(user) and bool(PROBLEM.allowed_actions(item.state)),
        },
        status=status,
    )


@login_required
@require_GET
@page_errors
def problems_monthly(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if not is_overseer(user):
        raise NotFound()
    now = timezone.now()
    month = month_of(request)
    rows = queries_problems.monthly_rows(user, month, now)
    totals = [sum(getattr(r, f) for r in rows) for f in ("found", "transferred", "closed", "open", "overdue")]
    listed = queries_problems.problem_list(user, {"month": month.code}, now)[:500]
    return render(
        request,
        "conduct/problems_monthly.html",
        {
            "rows": rows,
            "totals": totals,
            "items": decorate(listed, now),
            "month": month,
            "months": month_choices(month),
            "can_manage": is_manager(user),
        },
    )


@login_required
@require_GET
@page_errors
def problems_monthly_export(request: AuthedHttpRequest) -> HttpResponseBase:
    user = request.user
    if not is_overseer(user):
        raise NotFound()
    now = timezone.now()
    month = month_of(request)
    rows = [
        [
            r.region.name,
            r.unit.name if r.unit else "未指定",
            r.found,
            r.transferred,
            r.closed,
            r.open,
            r.overdue,
        ]
        for r in queries_problems.monthly_rows(user, month, now)
    ]
    items = [_row(i, now) for i in queries_problems.problem_list(user, {"month": month.code}, now)]
    actions.do_record_ztc_export(
        acting_user=user, what=f"问题清单月度表 {month.code}", count=len(items), filters={"month": month.code}
    )
    return xlsx_response(
        f"问题清单月度表_{month.code}.xlsx",
        MONTHLY_HEADERS,
        rows,
        month.label,
        extra_sheets=[("问题明细", LIST_HEADERS, items)],
    )
