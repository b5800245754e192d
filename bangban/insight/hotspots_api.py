"""`/insight/hotspots`: the 堵点 of a run (a month's newest by default) and one problem with its cases."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Schema

from bangban.core.answers import Router, answers
from bangban.core.pagination import Page, PageNumber, PageSize, page_body

from . import hotspots_access as access
from . import hotspots_queries as queries
from .models import HotspotProblem, HotspotTask

router = Router(tags=["堵点分析"])


class HotspotOut(Schema):
    id: int
    run_id: int
    rank: int
    label: str = Field(description="堵点（关键词）")
    phrases: list[str]
    heat: float = Field(description=queries.HEAT_FORMULA)
    classes: list[str] = Field(description="苗头性 / 典型性 / 集中性")
    emerging: bool
    typical: bool
    concentrated: bool
    concentration: str
    case_count: int
    enterprise_count: int
    region_count: int
    unit_count: int
    day_span: int
    repeat_count: int
    bad_rating_count: int
    baseline: float = Field(description="前期窗口平均诉求数")
    representative_id: int | None = Field(description="典型诉求")
    escalated_at: dt.datetime | None
    escalation_orders: list[int]
    version: int


class HotspotCaseOut(Schema):
    ticket_id: int | None = Field(description="作风投诉为空（不公开）")
    number: str
    title: str
    received_at: dt.datetime
    status: str
    enterprise: str
    region: str
    unit: str
    repeat: bool
    masked: bool = Field(description="作风投诉：依规不显示内容和投诉人")


class HotspotDetailOut(HotspotOut):
    window_start: dt.datetime
    window_end: dt.datetime
    task_id: int | None = Field(description="类案督办（/hotspot-tasks/{id}）；未转为类案督办时为空")
    cases: list[HotspotCaseOut]


@router.get(
    "/hotspots",
    response=answers(Page[HotspotOut], "month_invalid", (403, "hotspots_forbidden")),
    summary="堵点清单",
)
def list_hotspots(
    request: HttpRequest, run: int | None = None, month: str = "", page: PageNumber = 1, size: PageSize = 20
) -> Any:
    access.require_view(request.user)
    found = access.access_run(request.user, run) if run else queries.run_for(queries.parse_month(month))
    # No finished run (of that month) yet: an empty page.
    problems = queries.problems(found) if found is not None else HotspotProblem.objects.none()
    return page_body(problems, page, size, queries.problem_row)


@router.get(
    "/hotspots/{int:problem_id}",
    response=answers(HotspotDetailOut, (403, "hotspots_forbidden")),
    summary="堵点及其诉求",
)
def hotspot_detail(request: HttpRequest, problem_id: int) -> Any:
    problem = access.access_problem(request.user, problem_id)
    return {
        **queries.problem_row(problem),
        "window_start": problem.run.window_start,
        "window_end": problem.run.window_end,
        "task_id": HotspotTask.objects.filter(problem=problem).values_list("pk", flat=True).first(),
        "cases": queries.case_rows(problem),
    }
