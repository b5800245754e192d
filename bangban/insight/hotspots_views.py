"""Pages of hotspots (堵点) for 营商办: a month's list, a problem, the export, a run on demand and
turning a problem into 督办 (the form of 类案督办 is drawn here, its pages are hotspot_task_views)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from bangban.core.errors import REFUSALS, ApplicationError
from bangban.core.export_actions import export_response

from . import hotspot_task_actions as task_actions
from . import hotspots_access as access
from . import hotspots_actions as actions
from . import hotspots_queries as queries
from .models import HotspotTask


def _run_from(request: HttpRequest) -> Any:
    if request.GET.get("run"):
        return access.access_run(request.user, request.GET["run"])
    return queries.run_for(queries.parse_month(request.GET.get("month", "")))


@login_required
def hotspot_list(request: HttpRequest) -> HttpResponseBase:
    access.require_view(request.user)
    if request.GET.get("export") == "xlsx":
        return export_response(request, "hotspots")
    run = _run_from(request)
    active = queries.active_run(timezone.now())
    page_problems = list(queries.problems(run)[:200]) if run else []
    context = {
        "run": run,
        "active": active,
        "problems": [(p, queries.classes(p)) for p in page_problems],
        "chart": queries.chart(run) if run else None,
        "formula": queries.HEAT_FORMULA,
        "recent_runs": list(queries.runs()[:12]),
        "month": request.GET.get("month", ""),
        "can_run": access.can_run(request.user),
        "default_days": actions.window_days(None),
    }
    return render(request, "insight/hotspots.html", context)


@login_required
def hotspot_detail(request: HttpRequest, pk: int) -> HttpResponse:
    problem = access.access_problem(request.user, pk)
    task = HotspotTask.objects.filter(problem=problem).select_related("unit").first()
    context = {
        "p": problem,
        "classes": queries.classes(problem),
        "cases": queries.case_rows(problem),
        "formula": queries.HEAT_FORMULA,
        "can_escalate": access.can_escalate(request.user) and problem.escalated_at is None,
        "task": task,
        "can_task": access.can_escalate(request.user) and task is None,
    }
    if context["can_task"]:
        candidates = task_actions.eligible_case_ids(problem)
        busy = task_actions.busy_case_ids(candidates)
        unit = task_actions.suggested_unit(problem)
        context.update(
            task_open_cases=len(candidates) - len(busy),
            task_busy_cases=len(busy),
            task_unit=(unit.pk, unit.name) if unit else None,
            task_unit_list=[(unit.pk, unit.name)] if unit else [],
            task_workdays=task_actions.DEFAULT_WORKDAYS,
        )
    return render(request, "insight/hotspot.html", context)


def _do(request: HttpRequest, work: Any, done: str, target: str) -> HttpResponse:
    try:
        work()
    except REFUSALS:
        raise
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect(target)


@login_required
@require_POST
def hotspot_run(request: HttpRequest) -> HttpResponse:
    return _do(
        request,
        lambda: actions.do_request_run(
            acting_user=request.user, now=timezone.now(), days=request.POST.get("days")
        ),
        "已发起堵点分析，完成后本页自动显示结果",
        "/insight/hotspots/",
    )


@login_required
@require_POST
def hotspot_escalate(request: HttpRequest, pk: int) -> HttpResponse:
    return _do(
        request,
        lambda: actions.do_escalate(
            acting_user=request.user,
            problem_id=pk,
            content=request.POST.get("content", ""),
            version=request.POST.get("version") or None,
            now=timezone.now(),
        ),
        "已转为督办：每件未办结诉求已向其主办单位下发督办单",
        f"/insight/hotspots/{pk}/",
    )


@login_required
def hotspot_progress(request: HttpRequest) -> HttpResponse:
    """The progress of the run in progress (the page polls it)."""
    access.require_view(request.user)
    return render(request, "insight/_hotspot_progress.html", {"active": queries.active_run(timezone.now())})
