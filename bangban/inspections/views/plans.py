"""The plan pages: the list, the form of a new plan, a plan with its draw (seed, digest, 复核,
公示, the visits with their teams and publication due days) and the draw's .xlsx export."""

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
from bangban.enterprises.models import Industry
from bangban.org.queries import picked_units

from .. import actions, queries
from ..access import access_plan, is_manager, is_overseer, is_planner, may_manage, require_planner
from ..draw import TIER_ORDER
from ..models import PlanStatus, Publication, Result
from ..verify import verify_draw
from ._common import field_errors

EXPORT_HEADERS = [
    "任务编号",
    "企业名称",
    "统一社会信用代码",
    "信用等级",
    "检查组",
    "检查结果",
    "检查日期",
    "公开状态",
]
JOINING_ROWS = 4


@login_required
@require_GET
@page_errors
def plan_list(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if not (is_planner(user) or is_overseer(user)):
        raise NotFound()
    params = {k: request.GET.get(k, "") for k in ("status", "q")}
    result = paginate(request, queries.plan_list(user, params))
    return render(
        request,
        "inspections/plans.html",
        {
            "page": result.page,
            "qs": result.querystring_without_page,
            "values": params,
            "statuses": PlanStatus.choices,
            "can_create": is_planner(user),
        },
    )


def _plan_input(post: Any) -> actions.PlanInput:
    return actions.PlanInput(
        title=post.get("title", ""),
        lead_unit_id=post.get("lead_unit", ""),
        items=post.get("plan_items", ""),
        joining=[
            {"unit_id": post.get(f"unit_{i}", ""), "items": post.get(f"unit_items_{i}", "")}
            for i in range(JOINING_ROWS)
        ],
        region=post.get("region", ""),
        industry=post.get("industry", ""),
        ratios={t: post.get(f"ratio_{t.lower()}", "") for t in TIER_ORDER},
        team_size=post.get("team_size", ""),
        starts_on=post.get("starts_on", ""),
        ends_on=post.get("ends_on", ""),
    )


@login_required
@page_errors
def plan_create(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    require_planner(user)
    defaults = {"ratio_a": "1", "ratio_b": "3", "ratio_c": "10", "ratio_d": "30", "team_size": "2"}
    values = {**defaults, **request.POST.dict()}
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        try:
            plan = actions.do_create_plan(
                acting_user=user, data=_plan_input(request.POST), now=timezone.now()
            )
        except REFUSALS:
            raise
        except ApplicationError as exc:
            errors, status = field_errors(exc), exc.status
            # "items" would read as the dictionary's method in a template.
            if "items" in errors:
                errors["plan_items"] = errors.pop("items")
        else:
            messages.success(request, f"已创建抽查计划 {plan.number}，下一步：抽取")
            return redirect("inspections:plan_detail", pk=plan.pk)
    return render(
        request,
        "inspections/plan_form.html",
        {
            "values": values,
            "errors": errors,
            "lead_selected": picked_units([values.get("lead_unit", "")]),
            "rows": [
                (
                    i,
                    f"unit_{i}",
                    f"f-unit-{i}",
                    picked_units([values.get(f"unit_{i}", "")]),
                    values.get(f"unit_items_{i}", ""),
                )
                for i in range(JOINING_ROWS)
            ],
            "industries": Industry.choices,
            "tiers": [
                (
                    t,
                    f"ratio_{t.lower()}",
                    values.get(f"ratio_{t.lower()}", ""),
                    errors.get(f"ratio_{t.lower()}", ""),
                )
                for t in TIER_ORDER
            ],
            "choose_lead": is_manager(user),
            "own_unit": user.unit,
        },
        status=status,
    )


def _act(request: AuthedHttpRequest, pk: int) -> str:
    """Run the button pressed on a plan; return the message to show."""
    user, action, version, now = (
        request.user,
        request.POST.get("action", ""),
        request.POST.get("version"),
        timezone.now(),
    )
    if action == "draw":
        plan = actions.do_draw_plan(acting_user=user, plan_id=pk, version=version, now=now)
        return f"已抽取 {plan.visits.count()} 家企业，随机种子 {plan.seed}"
    if action == "announce":
        actions.do_announce_draw(acting_user=user, plan_id=pk, version=version, now=now)
        return "抽取结果已公示，此后不能重新抽取"
    if action == "publish":
        count = actions.do_publish_results(acting_user=user, plan_id=pk, version=version, now=now)
        return f"已公开 {count} 条检查结果"
    raise NotFound()


@login_required
@page_errors
def plan_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    plan = access_plan(user, pk)
    errors: dict[str, str] = {}
    status = 200
    check = None
    if request.method == "POST":
        if request.POST.get("action") == "verify":
            check = verify_draw(plan)
        else:
            try:
                text = _act(request, pk)
            except REFUSALS:
                raise
            except ApplicationError as exc:
                errors, status = field_errors(exc), exc.status
                plan = access_plan(user, pk)
            else:
                messages.success(request, text)
                return redirect("inspections:plan_detail", pk=pk)
    params = {k: request.GET.get(k, "") for k in ("q", "result", "state")}
    result = paginate(request, queries.plan_visits(plan, params))
    today = timezone.localdate()
    rows = [(v, queries.publish_due(v), queries.is_overdue(v, today)) for v in result.page]
    return render(
        request,
        "inspections/plan_detail.html",
        {
            "plan": plan,
            "units": plan.plan_units.select_related("unit"),
            "tiers": [
                (t, getattr(plan, f"ratio_{t.lower()}"), queries.tier_counts(plan).get(t, 0))
                for t in TIER_ORDER
            ],
            "rows": rows,
            "page": result.page,
            "qs": result.querystring_without_page,
            "values": params,
            "results": Result.choices,
            "states": Publication.choices,
            "can_manage": may_manage(user, plan),
            "check": check,
            "errors": errors,
            "recorded": plan.visits.filter(state=Publication.RECORDED).count(),
        },
        status=status,
    )


@login_required
@require_GET
@page_errors
def plan_export(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    user = request.user
    plan = access_plan(user, pk)
    if plan.status == PlanStatus.DRAFT:
        raise NotFound("计划尚未抽取")
    rows = [
        [
            v.task_number,
            v.enterprise.name,
            v.enterprise.uscc,
            v.tier,
            "；".join(f"{m.unit.name}：{m.inspector.display_name}" for m in v.team_members),
            v.get_result_display(),
            f"{v.visited_on:%Y-%m-%d}" if v.visited_on else "",
            v.get_state_display(),
        ]
        for v in queries.plan_visits(plan, {})
    ]
    actions.do_record_draw_export(acting_user=user, plan=plan, count=len(rows))
    return xlsx_response(f"双随机抽取结果_{plan.number}.xlsx", EXPORT_HEADERS, rows, plan.number)
