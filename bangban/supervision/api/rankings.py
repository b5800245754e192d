"""`/supervision/settings`, `/rankings`: settings and monthly rankings with drill-down (R14, R15)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Schema

from bangban.core.answers import answers
from bangban.core.errors import NotFound, ValidationFailed
from bangban.core.pagination import Page, PageNumber, PageSize, page_body
from bangban.core.replica import reading_from_replica
from bangban.core.schemas import PathMonth, PathYear
from bangban.org.models import Unit

from .. import access, actions, figures
from ..models import Ranking
from ._common import RANKING_ERRORS, SETTINGS_ERRORS, router


class SettingsOut(Schema):
    weight_response: int = Field(description="响应率权重")
    weight_resolution: int = Field(description="解决率权重")
    weight_satisfaction: int = Field(description="满意率权重")
    min_cases: int = Field(description="参与排名的最少诉求数")
    response_hours: int = Field(description="签收时限（小时）")
    ledger_due_day: int = Field(description="台账报送截止日（每月几日）")
    bottom_places: int = Field(description="末位名次数")
    bottom_months: int = Field(description="连续末位几个月提议约谈")
    ledger_all_units: bool = Field(description="无新增的责任单位也生成「本月无新增」台账")


class SettingsIn(Schema):
    weight_response: int | None = Field(None, description="响应率权重（三项之和须为 100）")
    weight_resolution: int | None = Field(None, description="解决率权重")
    weight_satisfaction: int | None = Field(None, description="满意率权重")
    min_cases: int | None = Field(None, description="参与排名的最少诉求数")
    response_hours: int | None = Field(None, description="签收时限（小时）")
    ledger_due_day: int | None = Field(None, description="台账报送截止日")
    bottom_places: int | None = Field(None, description="末位名次数")
    bottom_months: int | None = Field(None, description="连续末位月数")
    ledger_all_units: bool | None = Field(None, description="无新增的责任单位也生成「本月无新增」台账")


@router.get("/settings", response=answers(SettingsOut), summary="排名设置")
def get_settings(request: HttpRequest) -> Any:
    access.require_viewer(request.user)
    return actions.current_settings()


@router.put("/settings", response=answers(SettingsOut, SETTINGS_ERRORS), summary="修改排名设置（仅营商办）")
def put_settings(request: HttpRequest, payload: SettingsIn) -> Any:
    values = {k: v for k, v in payload.dict().items() if v is not None}
    return actions.do_update_settings(request.user, **values)


# --- rankings ---------------------------------------------------------------------------------


class RowOut(Schema):
    unit_id: int
    unit_name: str = Field(description="单位")
    rank: int | None = Field(description="名次（不参与排名时为空）")
    score: float | None = Field(description="综合得分")
    is_bottom: bool = Field(description="末位")
    total: int = Field(description="诉求数")
    dispatched: int
    responded: int
    closed: int
    closed_on_time: int
    follow_ups: int
    resolved: int
    rated: int
    satisfied: int
    bad: int
    rectified: int
    repeat_count: int = Field(description="重复反映数")
    overdue_count: int = Field(description="超期数")
    response_rate: float | None = Field(description="响应率（%）")
    on_time_rate: float | None = Field(description="按期办结率（%）")
    resolution_rate: float | None = Field(description="解决率（%）")
    satisfaction_rate: float | None = Field(description="满意率（%）")
    rectification_rate: float | None = Field(description="差评整改率（%）")


class RankingOut(Schema):
    year: int
    month: int
    status: str = Field(description="draft 草稿 / frozen 已冻结 / preview 实时预览（未保存）")
    version: int = Field(0, description="版本号；重算、冻结时原样提交（实时预览为 0）")
    scope: str = Field(description="统计范围：all 全部渠道 / hotline 12345热线")
    scope_label: str
    weights: list[int] = Field(description="权重：响应率、解决率、满意率")
    min_cases: int = Field(description="参与排名的最少诉求数（诉求数不足的单位不参与排名，rank 为 null）")
    response_hours: int
    bottom_places: int = Field(description="末位名次数")
    formula: str = Field(description="综合得分公式")
    rules: list[str] = Field(description="统计口径：与页面、通报、分析会材料所示相同")
    as_of: Any = Field(description="数据截至：预览为计算时刻，草稿为计算时间，已冻结为冻结时间")
    office: dict[str, Any] = Field(description="派单机构的派单及时率（已冻结月份为冻结时的数字）")
    office_rule: str
    officers: dict[str, Any] = Field(
        description="帮办专员履职：totals 全市合计、units 各单位（帮办履职率 duty_rate 及名次 rank）、"
        "far_behind 履职严重滞后的专员、rules 统计口径（已冻结月份为冻结时的数字）"
    )
    sources: dict[str, bool] = Field(description="外部数据来源是否可用")
    rows: list[RowOut]


class RankingBrief(Schema):
    year: int
    month: int
    status: str
    computed_at: Any
    frozen_at: Any


class ComputeIn(Schema):
    weights: list[int] | None = Field(None, description="[响应率, 解决率, 满意率] 权重，和为 100")
    min_cases: int | None = Field(None, description="最少诉求数")
    version: int | None = Field(None, description="读取时的版本号（可选）；他人已修改时返回 409 conflict")


class SupervisionVersionIn(Schema):
    version: int | None = Field(None, description="读取时的版本号（可选）；他人已修改时返回 409 conflict")


def _ranking_out(request: HttpRequest, year: int, month: int, scope: str | None = None) -> dict[str, Any]:
    view = actions.ranking_view(request.user, year, month, scope)
    view.pop("ranking")
    return view


@router.get("/rankings", response=answers(Page[RankingBrief]), summary="已计算的月度排名（分页）")
def list_rankings(request: HttpRequest, page: PageNumber = 1, size: PageSize = 20) -> Any:
    with reading_from_replica():
        access.require_viewer(request.user)
        return page_body(Ranking.objects.all(), page, size)


@router.get(
    "/rankings/{year}/{month}", response=answers(RankingOut, RANKING_ERRORS), summary="某月排名（按权限范围）"
)
def get_ranking(request: HttpRequest, year: PathYear, month: PathMonth, scope: str = "all") -> Any:
    with reading_from_replica():
        access.require_viewer(request.user)
        return _ranking_out(request, year, month, scope)


@router.post(
    "/rankings/{year}/{month}/compute", response=answers(RankingOut, RANKING_ERRORS), summary="计算/重算排名"
)
def compute_ranking(request: HttpRequest, year: PathYear, month: PathMonth, payload: ComputeIn) -> Any:
    weights = tuple(payload.weights) if payload.weights is not None else None
    if weights is not None and len(weights) != 3:
        raise ValidationFailed("权重须为三项：响应率、解决率、满意率", code="weights_invalid")
    actions.do_compute_ranking(
        request.user,
        year,
        month,
        weights=weights,
        min_cases=payload.min_cases,
        version=payload.version,  # type: ignore[arg-type]
    )
    return _ranking_out(request, year, month)


@router.post(
    "/rankings/{year}/{month}/freeze", response=answers(RankingOut, RANKING_ERRORS), summary="冻结排名为快照"
)
def freeze_ranking(
    request: HttpRequest, year: PathYear, month: PathMonth, payload: SupervisionVersionIn
) -> Any:
    actions.do_freeze_ranking(request.user, year, month, version=payload.version)
    return _ranking_out(request, year, month)


class SupervisionCaseOut(Schema):
    id: int
    number: str = Field(description="诉求编号")
    title: str
    status: str
    received_at: Any
    dispatched_at: Any
    accepted_at: Any
    due_at: Any
    closed_at: Any


class SupervisionCasePage(Page[SupervisionCaseOut]):
    snapshot: bool = Field(False, description="是否取自冻结快照（冻结时计入该指标的诉求）")


@router.get(
    "/rankings/{year}/{month}/units/{unit_id}/{figure}",
    response=answers(SupervisionCasePage, RANKING_ERRORS, "figure_invalid"),
    summary="某项指标背后的诉求",
    description="figure: " + "、".join(f"{k}（{v.label}）" for k, v in figures.DRILLS.items()),
)
def drill(
    request: HttpRequest,
    year: PathYear,
    month: PathMonth,
    unit_id: int,
    figure: str,
    page: PageNumber = 1,
    size: PageSize = 20,
) -> Any:
    with reading_from_replica():
        access.require_viewer(request.user)
        unit = Unit.objects.select_related("region").filter(pk=unit_id).first()
        if unit is None:
            raise NotFound()
        access.check_unit(request.user, unit)
        qs, snapshot = actions.drill_queryset(year, month, unit_id, figure)
        qs = access.openable_cases(request.user, qs)
        return page_body(qs, page, size, snapshot=snapshot)
