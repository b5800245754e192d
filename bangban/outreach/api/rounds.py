"""`/outreach/rounds`, `/overview`, `/criticism`: problem-collection rounds and the month's outreach figures (R1)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Schema, Status

from bangban.core.answers import answers
from bangban.core.errors import NotFound
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import Page, PageQuery, page_body
from bangban.core.schemas import MonthField, MonthText, YearField

from .. import figures, projects, queries
from ..access import access_round, can_see_overview
from ..models import CollectionRound
from ._common import ERRORS, LIST_ERRORS, _at, router
from .projects import problem_out
from .schemas import RoundOut


def round_out(r: CollectionRound) -> dict[str, Any]:
    return {
        "id": r.pk,
        "region_code": r.region.code,
        "region_name": r.region.name,
        "year": r.year,
        "month": r.month,
        "lead_unit": r.lead_unit.name if r.lead_unit else "",
        "due_date": r.due_date.isoformat(),
        "submitted_at": _at(r.submitted_at),
        "late": projects.round_is_late(r, timezone.localdate()),
        "problems": getattr(r, "n_problems", None),
    }


class RoundQuery(PageQuery):
    month: MonthText | None = Field(None, description="月份，如 2026-11")
    state: str | None = Field(None, description="open 收集中 / submitted 已报送 / late 逾期")
    region: str | None = Field(None, description="县区/功能区代码")


class RoundIn(Schema):
    region: str = Field(description="县区/功能区代码")
    year: YearField
    month: MonthField


@router.get(
    "/rounds", response=answers(Page[RoundOut], LIST_ERRORS), summary="月度项目问题收集（含逾期名单）"
)
def list_rounds(request: HttpRequest, query: Query[RoundQuery]) -> Any:
    params = query.dict(exclude={"page", "size"}, exclude_none=True)
    return page_body(queries.rounds(request.user, params).strict(), query, out=round_out)


@router.post(
    "/rounds", response=answers({201: RoundOut}, ERRORS), summary="开启月度问题收集（已开启则返回原有轮次）"
)
def open_round(request: AuthedHttpRequest, payload: RoundIn) -> Any:
    rnd = projects.do_open_round(
        acting_user=request.user, region_code=payload.region, year=payload.year, month=payload.month
    )
    return Status(201, round_out(rnd))


@router.post("/rounds/{round_id}/submit", response=answers(RoundOut, ERRORS), summary="报送本月项目问题")
def submit_round(request: AuthedHttpRequest, round_id: int) -> Any:
    projects.do_submit_round(acting_user=request.user, round_id=round_id)
    return round_out(access_round(request.user, round_id))


class OutreachMonthQuery(Schema):
    year: YearField
    month: MonthField


@router.get("/overview", response=answers(dict), summary="市商务局月度汇总")
def overview(request: HttpRequest, query: Query[OutreachMonthQuery]) -> Any:
    if not can_see_overview(request.user):
        raise NotFound()
    data = figures.monthly_overview(query.year, query.month)
    return {
        "totals": data["totals"],
        "rounds": [
            {
                **round_out(r.round),
                "total": r.total,
                "solved": r.solved,
                "transferred": r.transferred,
                "open": r.open,
            }
            for r in data["rows"]
        ],
        "transferred": [problem_out(p) for p in data["transferred"]],
        "city_level": [problem_out(p) for p in data["city_level"]],
    }


@router.get("/criticism", response=answers(list[dict]), summary="通报批评候选（月度）")
def criticism(request: HttpRequest, query: Query[OutreachMonthQuery]) -> Any:
    if not can_see_overview(request.user):
        raise NotFound()
    return [
        {
            "kind": c.kind,
            "subject_id": c.subject_id,
            "subject_name": c.subject_name,
            "region_name": c.region_name,
            "cannot_do": c.cannot_do,
            "delays": c.delays,
            "late_report": c.late_report,
            "projects": c.projects,
            "reasons": c.reasons,
        }
        for c in figures.criticism_records(query.year, query.month)
    ]
