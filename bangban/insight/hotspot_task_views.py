"""Pages of 类案督办: turning a problem into one (from its 堵点 page), the list, a task with its
linked cases, the responsible unit's answer and its head's approval or return."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from bangban.core.errors import REFUSALS, ApplicationError
from bangban.core.pagination import paginate
from bangban.tickets.models import ReplyResult

from . import hotspot_task_actions as actions
from . import hotspot_task_queries as queries
from . import hotspots_access as access
from .models import TaskCaseOutcome, TaskStatus


def _do(request: HttpRequest, work: Callable[[], Any], done: Callable[[Any], str], here: str) -> HttpResponse:
    """Run an action and come back to the task's page with what it did, or with the reason it was
    refused (bad input, a stale form, an action out of turn); a 403/404 is the error page."""
    try:
        result = work()
    except REFUSALS:
        raise
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done(result))
    return redirect(here)


@login_required
@require_POST
def task_create(request: HttpRequest, pk: int) -> HttpResponse:
    here = f"/insight/hotspots/{pk}/"
    try:
        task = actions.do_create_task(
            acting_user=request.user, problem_id=pk, requirement=request.POST.get("requirement", ""),
            unit_id=request.POST.get("unit"), workdays=request.POST.get("workdays"),
            version=request.POST.get("version") or None, now=timezone.now(),
        )  # fmt: skip
    except REFUSALS:
        raise
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect(here)
    messages.success(request, f"已转为类案督办：纳入 {task.cases.count()} 件诉求，由{task.unit.name}统一答复")
    return redirect(actions.link_of(task))


@login_required
def task_list(request: HttpRequest) -> HttpResponseBase:
    access.require_task_list(request.user)
    status = request.GET.get("status", "")
    now = timezone.now()
    result = paginate(request, queries.tasks_for(request.user, status))
    return render(
        request,
        "insight/hotspot_tasks.html",
        {
            "page": result.page,
            "rows": [queries.task_row(t, now) for t in result.page],
            "qs": result.querystring_without_page,
            "statuses": TaskStatus.choices,
            "status": status,
        },
    )


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    task = access.access_task(request.user, pk)
    detail = queries.task_detail(queries.load_task(task.pk), timezone.now())
    context = {
        "t": detail,
        "can_answer": task.status == TaskStatus.OPEN and access.unit_member(request.user, task.unit_id),
        "can_review": task.status == TaskStatus.REVIEW and access.unit_head(request.user, task.unit_id),
        "outcomes": TaskCaseOutcome,
        "results": ReplyResult.choices,
    }
    return render(request, "insight/hotspot_task.html", context)


def _summary(task: Any) -> str:
    counts = actions.approval_summary(task)
    return (
        f"已审核通过：统一答复已写入 {counts[TaskCaseOutcome.REPLIED]} 件诉求；"
        f"已办结或已答复未改动 {counts[TaskCaseOutcome.LEFT]} 件；未能写入 {counts[TaskCaseOutcome.REFUSED]} 件"
    )


@login_required
@require_POST
def task_answer(request: HttpRequest, pk: int) -> HttpResponse:
    here = f"/insight/hotspots/tasks/{pk}/"
    return _do(
        request,
        lambda: actions.do_answer_task(
            acting_user=request.user,
            task_id=pk,
            answer=request.POST.get("answer", ""),
            measures=request.POST.get("measures", ""),
            result=request.POST.get("result", ""),
            version=request.POST.get("version") or None,
            now=timezone.now(),
        ),
        lambda _t: "已提交统一答复，待单位负责人审核",
        here,
    )


@login_required
@require_POST
def task_approve(request: HttpRequest, pk: int) -> HttpResponse:
    here = f"/insight/hotspots/tasks/{pk}/"
    return _do(
        request,
        lambda: actions.do_approve_task(
            acting_user=request.user,
            task_id=pk,
            comment=request.POST.get("comment", ""),
            version=request.POST.get("version") or None,
            now=timezone.now(),
        ),
        _summary,
        here,
    )


@login_required
@require_POST
def task_return(request: HttpRequest, pk: int) -> HttpResponse:
    here = f"/insight/hotspots/tasks/{pk}/"
    return _do(
        request,
        lambda: actions.do_return_task(
            acting_user=request.user,
            task_id=pk,
            comment=request.POST.get("comment", ""),
            version=request.POST.get("version") or None,
            now=timezone.now(),
        ),
        lambda _t: "已退回统一答复",
        here,
    )
