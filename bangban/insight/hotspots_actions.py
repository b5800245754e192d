"""Changes to hotspots (堵点): asking for a run, turning a problem into 督办 of all its cases."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from django.db import transaction

from bangban.audit.actions import record
from bangban.core import kit
from bangban.core.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from bangban.escalation.actions import do_issue_order
from bangban.tickets.models import Channel
from bangban.tickets.public import cases_in
from bangban.tickets.workflow import OPEN_STATUSES

from . import hotspots_access as access
from .hotspots_run import configured_window_days, new_run, unfinished_runs
from .hotspots_tasks import run_hotspots_task
from .models import HotspotCase, HotspotProblem, HotspotRun

MAX_WINDOW_DAYS = 366

ACTION_LABELS = {
    "insight.hotspot_run_requested": "发起堵点分析",
    "insight.hotspot_escalated": "堵点转督办",
    "insight.hotspots_export": "导出堵点清单",
}


def window_days(value: Any) -> int:
    if value in (None, ""):
        return configured_window_days()
    try:
        days = int(value)
    except (TypeError, ValueError):
        raise ValidationFailed("分析窗口应为天数（整数）", code="window_invalid") from None
    if not 1 <= days <= MAX_WINDOW_DAYS:
        raise ValidationFailed(f"分析窗口应为 1 至 {MAX_WINDOW_DAYS} 天", code="window_invalid")
    return days


@kit.durable_action
def do_request_run(*, acting_user: Any, now: dt.datetime, days: Any = None) -> HotspotRun:
    """营商办 asks for a run now (on demand): queued, carried out by a worker."""
    if not access.can_run(acting_user):
        raise PermissionDenied("只有营商办或系统管理员可以发起堵点分析", code="run_forbidden")
    n = window_days(days)
    if unfinished_runs(now).exists():
        raise Conflict("已有一次堵点分析正在进行，请稍后再试", code="run_in_progress")
    run = new_run(now=now, days=n, user=acting_user)
    record(
        "insight.hotspot_run_requested",
        actor=acting_user,
        obj=run,
        after={"window_start": run.window_start, "window_end": run.window_end, "days": n},
    )
    transaction.on_commit(partial(run_hotspots_task.enqueue, run.pk), robust=True)
    return run


@kit.durable_action
def do_escalate(
    *, acting_user: Any, problem_id: Any, content: str, now: dt.datetime, version: Any = None
) -> HotspotProblem:
    """营商办 turns a problem into 督办: one supervision order (escalation's `do_issue_order`) for
    each of its open, dispatched cases, all with the same requirement naming the problem. Conduct
    complaints (作风直通车) are left to 作风办 and not ordered here."""
    problem = access.access_problem(acting_user, problem_id, "escalate")
    problem = kit.lock(HotspotProblem, problem.pk)
    kit.check_version(problem, version)
    if problem.escalated_at is not None:
        raise InvalidTransition("该堵点已转为督办", code="already_escalated")
    text = (content or "").strip()
    if not text:
        raise ValidationFailed("请填写督办要求", code="content_required")
    if len(text) > 800:
        raise ValidationFailed("督办要求不能超过 800 字", code="content_too_long")
    ids = list(HotspotCase.objects.filter(problem=problem).values_list("ticket_id", flat=True))
    eligible = list(
        cases_in(ids)
        .filter(status__in=OPEN_STATUSES, lead_unit__isnull=False)
        .exclude(channel=Channel.CONDUCT)
        .order_by("id")
        .values_list("id", flat=True)
    )
    if not eligible:
        raise ValidationFailed("该堵点没有已派单且未办结的诉求，无需督办", code="no_open_cases")
    requirement = f"【堵点督办】{problem.label}（同一问题共 {problem.case_count} 件诉求一并督办）：{text}"
    orders = [
        do_issue_order.inner(
            acting_user=acting_user, kind="supervise", content=requirement[:1000], ticket_id=i, now=now
        ).pk
        for i in eligible
    ]
    before = {"escalated_at": None}
    problem.escalated_at, problem.escalated_by, problem.escalation_orders = now, acting_user, orders
    kit.save_change(problem, ["escalated_at", "escalated_by", "escalation_orders"])
    record(
        "insight.hotspot_escalated",
        actor=acting_user,
        obj=problem,
        before=before,
        after={"escalated_at": now, "orders": orders, "cases": eligible, "content": text[:200]},
    )
    return problem
