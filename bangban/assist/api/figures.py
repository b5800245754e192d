"""`/api/v1/assist/figures`: the month's figures per level and per site (the `figures` module's)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Schema

from bangban.core.answers import answers
from bangban.core.errors import NotFound

from .. import figures
from ..access import is_reader, visible_sites
from ._common import router


class AssistFigureRowOut(Schema):
    key: str = Field(description="站点ID，或层级代码（city/county/township/village），或 total 合计")
    label: str = Field(description="站点或层级名称")
    level: str = Field(description="层级")
    services: int = Field(description="服务合计")
    type_consult: int = Field(description="咨询解答")
    type_guide: int = Field(description="导服导办")
    type_accompany: int = Field(description="全程帮办")
    type_proxy: int = Field(description="免费代办")
    minutes: int = Field(description="服务用时（分钟）")
    errands_opened: int = Field(description="当月受理代办")
    errands_done: int = Field(description="当月办结代办")
    errands_on_time: int = Field(description="其中按承诺日期办结")
    on_time_rate: float | None = Field(description="按期率（%）")
    rated: int = Field(description="企业评价数")
    average_score: float | None = Field(description="平均评分（5 非常满意 … 1 非常不满意）")


class AssistFiguresOut(Schema):
    month: str = Field(description="月份，如 2026-11")
    levels: list[AssistFigureRowOut] = Field(description="各层级及合计")
    sites: list[AssistFigureRowOut] = Field(description="各站点")


class AssistFiguresQuery(Schema):
    month: str | None = Field(None, max_length=7, description="月份，如 2026-11；默认本月")


@router.get("/figures", response=answers(AssistFiguresOut, "invalid_month"), summary="帮办代办月度统计")
def month_figures(request: HttpRequest, query: Query[AssistFiguresQuery]) -> Any:
    if not is_reader(request.user):
        raise NotFound()
    month = figures.Month.parse(query.month, figures.Month.of(timezone.now()))
    sites = figures.site_rows(visible_sites(request.user), month)
    return {
        "month": str(month),
        "levels": [r.as_dict() for r in figures.level_rows(sites)],
        "sites": [r.as_dict() for r in sites],
    }
