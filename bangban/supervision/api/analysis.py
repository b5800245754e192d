"""`/supervision/analyses`, `/supervision/analysis-meetings`: 分析研判 (R10) and the monthly
处置分析会 (R11.2)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Schema, Status

from bangban.core.answers import answers
from bangban.core.errors import NotFound
from bangban.core.pagination import Page, PageNumber, PageSize, page_body
from bangban.core.schemas import MonthField, YearField

from .. import access, actions, analysis
from ..models import CaseAnalysis
from ._common import ANALYSIS_ERRORS, ANALYSIS_MEETING_ERRORS, router


class CaseAnalysisOut(Schema):
    id: int
    unit_id: int
    unit_name: str = Field(description="研判单位")
    title: str
    period_start: dt.date
    period_end: dt.date
    case_count: int = Field(description="研判期间本单位主办的诉求数")
    cases: list[str] = Field(description="关联诉求编号")
    category_ids: list[int]
    hotspot_ids: list[int] = Field(description="关联堵点（insight 堵点编号）")
    findings: str
    causes: str
    measures: str
    status: str = Field(description="draft 草稿 / submitted 已提交")
    submitted_at: dt.datetime | None
    version: int = Field(description="版本号；修改时原样提交")


class CaseAnalysisIn(Schema):
    title: str
    period_start: dt.date
    period_end: dt.date
    case_numbers: list[str] = Field(default_factory=list, description="本单位主办的诉求编号")
    category_ids: list[int] = Field(default_factory=list)
    hotspot_ids: list[int] = Field(default_factory=list)
    findings: str
    causes: str
    measures: str
    submit: bool = Field(False, description="true：保存并提交")
    version: int | None = Field(None, description="修改时：读取时的版本号")


def _analysis(a: CaseAnalysis) -> dict[str, Any]:
    return {
        "id": a.pk,
        "unit_id": a.unit_id,
        "unit_name": a.unit.name,
        "title": a.title,
        "period_start": a.period_start,
        "period_end": a.period_end,
        "case_count": a.case_count,
        "cases": list(a.cases.values_list("number", flat=True)),
        "category_ids": list(a.categories.values_list("pk", flat=True)),
        "hotspot_ids": list(a.hotspots.values_list("pk", flat=True)),
        "findings": a.findings,
        "causes": a.causes,
        "measures": a.measures,
        "status": a.status,
        "submitted_at": a.submitted_at,
        "version": a.version,
    }


def _data(body: CaseAnalysisIn) -> dict[str, Any]:
    return body.dict(exclude={"submit", "version"})


@router.get(
    "/analyses", response=answers(Page[CaseAnalysisOut]), summary="分析研判（营商办看全部，单位看本单位）"
)
def list_analyses(
    request: HttpRequest,
    page: PageNumber = 1,
    size: PageSize = 20,
    unit: str = "",
    status: str = "",
    q: str = "",
) -> Any:
    qs = analysis.analysis_filters(
        access.visible_analyses(request.user), {"unit": unit, "status": status, "q": q}
    )
    return page_body(qs, page, size, _analysis)


@router.post(
    "/analyses", response=answers({201: CaseAnalysisOut}, ANALYSIS_ERRORS), summary="登记本单位的分析研判"
)
def create_analysis(request: HttpRequest, body: CaseAnalysisIn) -> Any:
    obj = actions.do_create_analysis(acting_user=request.user, data=_data(body), submit=body.submit)  # type: ignore[arg-type]
    return Status(201, _analysis(obj))


@router.get("/analyses/{analysis_id}", response=answers(CaseAnalysisOut), summary="分析研判详情")
def get_analysis(request: HttpRequest, analysis_id: int) -> Any:
    return _analysis(access.access_analysis(request.user, analysis_id))


@router.post(
    "/analyses/{analysis_id}",
    response=answers(CaseAnalysisOut, ANALYSIS_ERRORS),
    summary="修改 / 提交分析研判",
)
def update_analysis(request: HttpRequest, analysis_id: int, body: CaseAnalysisIn) -> Any:
    obj = actions.do_update_analysis(
        acting_user=request.user,  # type: ignore[arg-type]
        analysis_id=analysis_id,
        data=_data(body),
        version=body.version,
        submit=body.submit,
    )
    return _analysis(obj)


# --- 处置分析会 ----------------------------------------------------------------------------------


class AnalysisTaskCounts(Schema):
    total: int = 0
    done: int = 0
    open: int = 0
    overdue: int = Field(0, description="未完成且已过完成期限")


class AnalysisMonthOut(Schema):
    year: int
    month: int
    ledger_year: int = Field(description="依据台账的年份（会议上一个月）")
    ledger_month: int
    ledger_due: dt.date | None = Field(description="依据台账的报送截止日（25日）")
    ledgers: int = Field(description="台账份数")
    submitted: int = Field(description="已报送份数")
    state: str = Field(
        description="held 已召开 / planned 已安排 / in_progress 本月进行中 / missed 未召开 / missed_ledgers 未召开（台账缺失）"
    )
    state_label: str
    flagged: bool = Field(description="该月已结束仍未召开处置分析会")
    meeting_id: int | None = Field(description="会议（/escalation/meetings/{id}：参会、纪要、议定事项）")
    tasks: AnalysisTaskCounts


class AnalysisMeetingIn(Schema):
    year: YearField
    month: MonthField
    held_at: dt.datetime = Field(description="会议时间，须在该月、台账报送截止日之后")
    chair_id: int | None = Field(None, description="主持人，默认本人")
    place: str = ""
    unit_ids: list[int] = Field(default_factory=list, description="参会单位，默认为报送台账的各单位")
    participant_ids: list[int] = Field(default_factory=list)


def _month(r: analysis.MonthRow) -> dict[str, Any]:
    return {
        "year": r.year,
        "month": r.month,
        "ledger_year": r.ledger_year,
        "ledger_month": r.ledger_month,
        "ledger_due": r.ledger_due,
        "ledgers": r.ledgers,
        "submitted": r.submitted,
        "state": r.state,
        "state_label": r.label,
        "flagged": r.flagged,
        "meeting_id": r.meeting.meeting_id if r.meeting else None,
        "tasks": r.tasks or {},
    }


@router.get(
    "/analysis-meetings",
    response=answers(list[AnalysisMonthOut]),
    summary="各月处置分析会（含未召开月份标记）",
)
def list_analysis_months(request: HttpRequest, months: int = 12, flagged: bool = False) -> Any:
    if not access.can_see_analysis_meetings(request.user):
        raise NotFound()
    rows = analysis.month_rows(request.user, timezone.now(), last=months)
    return [_month(r) for r in rows if r.flagged or not flagged]


@router.post(
    "/analysis-meetings",
    response=answers({201: AnalysisMonthOut}, ANALYSIS_MEETING_ERRORS),
    summary="安排某月处置分析会（缺少25日台账时拒绝）",
)
def schedule_analysis_meeting(request: HttpRequest, body: AnalysisMeetingIn) -> Any:
    row = actions.do_schedule_analysis_meeting(
        acting_user=request.user,  # type: ignore[arg-type]
        year=body.year,
        month=body.month,
        held_at=body.held_at,
        chair_id=body.chair_id or request.user.pk,
        place=body.place,
        unit_ids=body.unit_ids,
        participant_ids=body.participant_ids,
    )
    found = [
        r
        for r in analysis.month_rows(request.user, timezone.now(), last=36)
        if (r.year, r.month) == (row.year, row.month)
    ]
    if found:
        return Status(201, _month(found[0]))
    return Status(
        201,
        {
            "year": row.year, "month": row.month, "ledger_year": row.ledger_year,
            "ledger_month": row.ledger_month, "ledger_due": None, "ledgers": row.ledgers.count(),
            "submitted": row.ledgers.count(), "state": "planned", "state_label": analysis.STATES["planned"],
            "flagged": False, "meeting_id": row.meeting_id, "tasks": {},
        },
    )  # fmt: skip
