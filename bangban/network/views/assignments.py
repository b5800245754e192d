"""Pages of service assignments: the index, the assignment list, creating and ending an assignment, an enterprise's assignment history and coverage."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from bangban.accounts.access import scope_of
from bangban.accounts.models import User
from bangban.accounts.roles import Role
from bangban.core.errors import REFUSALS, ApplicationError, NotFound
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import paginate
from bangban.core.views import page_errors
from bangban.enterprises.access import access_enterprise, scope_regions, visible_enterprises
from bangban.enterprises.models import Tier

from .. import actions, queries
from ..access import (
    access_assignment,
    can_see_compliance,
    is_enterprise_user,
    is_manager,
    is_officer,
    is_overseer,
    require_manager,
    visible_assignments,
)
from ..coverage import coverage_by_region, coverage_gaps
from ..models import Assignment
from ._common import _resolve_enterprise_field, field_errors


@login_required
@require_GET
@page_errors
def index(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if is_enterprise_user(user):
        return redirect("network:enterprise")
    if is_officer(user) and not is_overseer(user):
        return redirect("network:mine")
    if can_see_compliance(user):
        return redirect("network:compliance")
    raise NotFound()


# --- assignments (R3.1) ----------------------------------------------------------------------------------


def _officer_choices(user: Any) -> list[User]:
    qs = User.objects.filter(is_active=True, roles__code=Role.SERVICE_OFFICER).select_related(
        "unit", "unit__region"
    )
    scope = scope_of(user)
    if not scope.city_wide and scope.region_path is not None:
        # A county's managers choose among its own staff and the city's.

        qs = qs.filter(
            Q(unit__region__path__startswith=scope.region_path) | Q(unit__region__parent__isnull=True)
        )
    return list(qs.order_by("unit__region__path", "full_name")[:2000])


@login_required
@require_GET
@page_errors
def assignment_list(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if not (is_overseer(user) or is_officer(user)):
        raise NotFound()
    qs = visible_assignments(user).select_related(
        "officer", "officer__unit", "enterprise", "enterprise__region"
    )
    status = request.GET.get("status", "current")
    if status == "current":
        qs = qs.filter(ended_on__isnull=True)
    elif status == "ended":
        qs = qs.filter(ended_on__isnull=False)
    text = request.GET.get("q", "").strip()
    if text:
        qs = qs.filter(
            Q(enterprise__name__icontains=text)
            | Q(enterprise__uscc__iexact=text)
            | Q(officer__full_name__icontains=text)
            | Q(officer__username__iexact=text)
        )
    tier = request.GET.get("tier", "")
    if tier in Tier.values:
        qs = qs.filter(enterprise__tier=tier)
    region = request.GET.get("region", "")
    if region:
        qs = qs.filter(enterprise__region__path__contains=f"/{region}/")
    result = paginate(request, qs.order_by("enterprise__region__path", "enterprise__name", "-started_on"))
    return render(
        request,
        "network/assignments.html",
        {
            "page": result.page,
            "qs": result.querystring_without_page,
            "values": {k: request.GET.get(k, "") for k in ("q", "tier", "region")} | {"status": status},
            "tiers": Tier.choices,
            "regions": scope_regions(user).filter(level__in=["county", "zone"]),
            "can_manage": is_manager(user),
        },
    )


@login_required
@page_errors
def assignment_create(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    require_manager(user)
    values = {
        "enterprise": request.POST.get("enterprise", request.GET.get("enterprise", "")),
        "officer": request.POST.get("officer", ""),
        "started_on": request.POST.get("started_on", ""),
        "note": request.POST.get("note", ""),
        "replace": request.POST.get("replace", ""),
    }
    errors: dict[str, str] = {}
    status = 200
    enterprise = None
    if values["enterprise"]:
        pk = _resolve_enterprise_field(user, values["enterprise"])
        enterprise = visible_enterprises(user).filter(pk=pk).first() if pk else None
    if request.method == "POST":
        status = 400
        if enterprise is None:
            errors["enterprise"] = "未找到该企业，请填写统一社会信用代码或企业全称"
        else:
            try:
                assignment = actions.do_assign(
                    acting_user=user,
                    enterprise_id=enterprise.pk,
                    officer_id=values["officer"],
                    started_on=values["started_on"] or None,
                    note=values["note"],
                    replace=bool(values["replace"]),
                )
            except REFUSALS:
                raise
            except ApplicationError as exc:
                errors = field_errors(exc)
                status = exc.status
            else:
                messages.success(request, f"已安排{assignment.officer}挂钩{assignment.enterprise.name}")
                return redirect("network:enterprise_history", pk=assignment.enterprise_id)
    current = actions.current_assignment(enterprise.pk) if enterprise else None
    return render(
        request,
        "network/assignment_form.html",
        {
            "values": values,
            "errors": errors,
            "enterprise": enterprise,
            "current": current,
            "officers": _officer_choices(user),
        },
        status=status,
    )


@login_required
@require_POST
@page_errors
def assignment_end(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    assignment = access_assignment(request.user, pk)
    version = request.POST.get("version", "")
    try:
        actions.do_end_assignment(
            acting_user=request.user,
            assignment_id=pk,
            reason=request.POST.get("reason", ""),
            version=int(version) if version.isdigit() else None,
        )
    except REFUSALS:
        raise
    except ApplicationError as exc:
        if exc.status == 404:
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, "已结束挂钩")
    return redirect("network:enterprise_history", pk=assignment.enterprise_id)


@login_required
@require_GET
@page_errors
def enterprise_history(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """An enterprise's officers over time (动态调整) and its recent contacts."""
    user = request.user
    if not (is_overseer(user) or is_officer(user)):
        raise NotFound()
    enterprise = access_enterprise(user, pk)
    history = (
        Assignment.objects.filter(enterprise=enterprise)
        .select_related("officer", "officer__unit", "created_by", "ended_by")
        .order_by("-started_on", "-id")
    )
    contacts = queries.contact_list(user, {"enterprise": str(enterprise.pk)})[:20]
    return render(
        request,
        "network/enterprise_history.html",
        {"enterprise": enterprise, "history": history, "contacts": contacts, "can_manage": is_manager(user)},
    )


@login_required
@require_GET
@page_errors
def coverage(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if not is_overseer(user):
        raise NotFound()
    region = request.GET.get("region", "")
    result = paginate(request, coverage_gaps(user, region))
    return render(
        request,
        "network/coverage.html",
        {
            "rows": coverage_by_region(user),
            "page": result.page,
            "qs": result.querystring_without_page,
            "region": region,
            "can_manage": is_manager(user),
        },
    )
