"""An inspector's tasks (我的检查任务, phone-sized), a visit with its team and the form of its result,
and the public page (公示) of announced draws and published results, open to everyone signed in."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from bangban.core.errors import REFUSALS, ApplicationError, NotFound
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import paginate
from bangban.core.views import page_errors

from .. import actions, queries
from ..access import access_visit, can_read, is_inspector, may_record
from ..models import PlanStatus, Publication, Result
from ._common import field_errors


@login_required
@require_GET
@page_errors
def my_tasks(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if not is_inspector(user):
        raise NotFound()
    params = {k: request.GET.get(k, "") for k in ("q", "state")}
    result = paginate(request, queries.my_visits(user, params))
    today = timezone.localdate()
    return render(
        request,
        "inspections/tasks.html",
        {
            "rows": [(v, queries.publish_due(v), queries.is_overdue(v, today)) for v in result.page],
            "page": result.page,
            "qs": result.querystring_without_page,
            "values": params,
            "states": Publication.choices,
        },
    )


@login_required
@page_errors
def visit_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    visit = access_visit(user, pk)
    values = {
        "result": request.POST.get("result", visit.result if visit.result != Result.PENDING else ""),
        "note": request.POST.get("note", visit.note),
        "visited_on": request.POST.get("visited_on", f"{visit.visited_on or timezone.localdate():%Y-%m-%d}"),
    }
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        try:
            actions.do_record_result(
                acting_user=user,
                visit_id=pk,
                result=values["result"],
                note=values["note"],
                visited_on=values["visited_on"],
                version=request.POST.get("version"),
                now=timezone.now(),
            )
        except REFUSALS:
            raise
        except ApplicationError as exc:
            errors, status = field_errors(exc), exc.status
        else:
            messages.success(request, "检查结果已录入，待牵头单位公开")
            return redirect("inspections:visit_detail", pk=pk)
    today = timezone.localdate()
    can_record = (
        may_record(user, visit)
        and visit.state != Publication.PUBLISHED
        and visit.plan.status in (PlanStatus.ANNOUNCED, PlanStatus.CLOSED)
    )
    return render(
        request,
        "inspections/visit_detail.html",
        {
            "visit": visit,
            "members": visit.team_members,
            "due": queries.publish_due(visit),
            "overdue": queries.is_overdue(visit, today),
            "can_record": can_record,
            "outcomes": [(str(r), r.label) for r in actions.OUTCOMES],
            "values": values,
            "errors": errors,
            "today": today,
        },
        status=status,
    )


@login_required
@require_GET
@page_errors
def public(request: AuthedHttpRequest) -> HttpResponse:
    if not can_read(request.user):
        raise NotFound()
    params = {k: request.GET.get(k, "") for k in ("q", "result")}
    plans = queries.public_plans()
    result = paginate(request, queries.public_results(params))
    return render(
        request,
        "inspections/public.html",
        {
            "plans": plans[:20],
            "page": result.page,
            "qs": result.querystring_without_page,
            "values": params,
            "results": [(str(r), r.label) for r in actions.OUTCOMES],
        },
    )


@login_required
@require_GET
@page_errors
def public_plan(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """An announced draw, open to everyone signed in: the seed, the snapshot's digest, every drawn
    enterprise with its task number and team, and the results published so far."""
    if not can_read(request.user):
        raise NotFound()
    plan = queries.public_plans().filter(pk=pk).first()
    if plan is None:
        raise NotFound()
    params = {"q": request.GET.get("q", "")}
    result = paginate(request, queries.plan_visits(plan, params))
    return render(
        request,
        "inspections/public_plan.html",
        {
            "plan": plan,
            "units": plan.plan_units.select_related("unit"),
            "page": result.page,
            "qs": result.querystring_without_page,
            "values": params,
        },
    )
