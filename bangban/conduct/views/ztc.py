"""The 直通车企业 and 作风观察点 pages (R7.1): the register with search, region filter and .xlsx export
(作风办 and the supervising roles), 作风办's forms to designate and end a designation and to record
a return call (电话回访); an enterprise user sees its own designations and the channel to use."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from bangban.accounts.access import own_enterprise_id
from bangban.core.errors import REFUSALS, ApplicationError, NotFound
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import paginate
from bangban.core.views import page_errors
from bangban.core.xlsx import xlsx_response
from bangban.org.models import Region, RegionLevel

from .. import actions, queries_problems
from ..access import is_enterprise_user, is_manager, is_overseer, require_manager
from ..models import DesignationKind
from ._common import field_errors, resolve_enterprise

FILTERS = ("kind", "status", "region", "q")
STATUSES = [("active", "有效"), ("upcoming", "未开始"), ("ended", "已终止"), ("all", "全部")]
EXPORT_HEADERS = [
    "企业名称",
    "统一社会信用代码",
    "所属区划",
    "类型",
    "起始日期",
    "截止日期",
    "说明",
    "终止说明",
]


def regions() -> Any:
    """The regions a list filters by: the city, its counties and functional zones."""
    return Region.objects.filter(
        is_active=True, level__in=[RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.ZONE]
    )


@login_required
@require_GET
@page_errors
def designations(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    if is_enterprise_user(user) and not is_overseer(user):
        return render(
            request,
            "conduct/problems_designation_own.html",
            {"designations": queries_problems.designations_of(own_enterprise_id(user), today)},
        )
    if not is_overseer(user):
        raise NotFound()
    params = {k: request.GET.get(k, "") for k in FILTERS}
    result = paginate(request, queries_problems.designation_list(user, params, today))
    return render(
        request,
        "conduct/problems_designations.html",
        {
            "page": result.page,
            "qs": result.querystring_without_page,
            "values": params,
            "kinds": DesignationKind.choices,
            "statuses": STATUSES,
            "regions": regions(),
            "today": today,
            "can_manage": is_manager(user),
        },
    )


@login_required
@require_GET
@page_errors
def designations_export(request: AuthedHttpRequest) -> HttpResponseBase:
    user = request.user
    if not is_overseer(user):
        raise NotFound()
    params = {k: request.GET.get(k, "") for k in FILTERS}
    rows = [
        [
            d.enterprise.name,
            d.enterprise.uscc,
            d.enterprise.region.name,
            d.get_kind_display(),
            d.starts_on,
            d.ends_on or "长期",
            d.note,
            d.end_note,
        ]
        for d in queries_problems.designation_list(user, params, timezone.localdate())
    ]
    actions.do_record_ztc_export(
        acting_user=user, what="直通车企业与作风观察点名单", count=len(rows), filters=params
    )
    return xlsx_response("直通车企业与作风观察点.xlsx", EXPORT_HEADERS, rows, "名单", text_columns=[1])


@login_required
@page_errors
def designation_new(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    require_manager(user)
    names = ("enterprise", "kind", "starts_on", "ends_on", "note")
    values: dict[str, Any] = {n: request.POST.get(n, "") for n in names}
    if request.method != "POST":
        values["starts_on"] = timezone.localdate().isoformat()
    values["kind"] = values["kind"] or DesignationKind.THROUGH_TRAIN
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        try:
            designation = actions.do_designate(
                acting_user=user,
                enterprise_id=resolve_enterprise(user, values["enterprise"]),
                kind=values["kind"],
                starts_on=values["starts_on"],
                ends_on=values["ends_on"],
                note=values["note"],
                now=timezone.now(),
            )
        except REFUSALS:
            raise
        except ApplicationError as exc:
            errors, status = field_errors(exc), exc.status
        else:
            messages.success(
                request, f"已确定{designation.enterprise.name}为{designation.get_kind_display()}"
            )
            return redirect("conduct:designations")
    return render(
        request,
        "conduct/problems_designation_form.html",
        {"values": values, "errors": errors, "kinds": DesignationKind.choices},
        status=status,
    )


@login_required
@require_POST
@page_errors
def designation_end(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    designation = actions.do_end_designation(
        acting_user=request.user,
        designation_id=pk,
        ends_on=request.POST.get("ends_on", ""),
        note=request.POST.get("note", ""),
        version=request.POST.get("version"),
        now=timezone.now(),
    )
    messages.success(request, f"{designation.enterprise.name}的{designation.get_kind_display()}已终止")
    return redirect("conduct:designations")


@login_required
@page_errors
def return_call_new(request: AuthedHttpRequest) -> HttpResponse:
    """A quick page (usable on a phone) for a return call: the problems raised, one a line."""
    user = request.user
    require_manager(user)
    today = timezone.localdate()
    names = ("enterprise", "called_on", "contact", "satisfied", "note", "problems")
    values: dict[str, Any] = {n: request.POST.get(n, "") for n in names}
    if request.method != "POST":
        values["called_on"] = today.isoformat()
    values["enterprise"] = values["enterprise"] or request.GET.get("enterprise", "")
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        try:
            call = actions.do_record_return_call(
                acting_user=user,
                enterprise_id=resolve_enterprise(user, values["enterprise"]),
                called_on=values["called_on"],
                contact=values["contact"],
                satisfied=values["satisfied"],
                note=values["note"],
                problems=values["problems"].splitlines(),
                now=timezone.now(),
            )
        except REFUSALS:
            raise
        except ApplicationError as exc:
            errors, status = field_errors(exc), exc.status
        else:
            count = call.problems.count()
            messages.success(
                request, f"已登记回访{f'，{count} 个问题已列入问题清单' if count else '，企业未反映问题'}"
            )
            return redirect("conduct:problems") if count else redirect("conduct:designations")
    designated = queries_problems.designation_list(user, {"status": "active"}, today)[:500]
    return render(
        request,
        "conduct/problems_return_call.html",
        {"values": values, "errors": errors, "designated": designated},
        status=status,
    )
