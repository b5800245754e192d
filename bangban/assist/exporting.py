"""The Excel exports of 帮办代办 (registered in `AssistConfig.ready`, sent by
`core.export_actions.export_response`): the service ledger (帮办服务台账) with the page's filters, and
the month's figures per level and per site (from `figures`, as the page shows them)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.http import QueryDict
from django.utils import timezone

from bangban.core.errors import NotFound
from bangban.core.exports import ExportPlan
from bangban.core.satisfaction import Satisfaction

from . import actions, figures, queries
from .access import is_reader, visible_sites
from .models import ServiceRecord, ServiceType

RECORD_HEADERS = [
    "站点", "层级", "帮办代办员", "服务类型", "企业", "统一社会信用代码", "事项", "开始时间", "结束时间",
    "用时（分钟）", "结果", "结果说明", "企业评价",
]  # fmt: skip
FIGURE_HEADERS = [
    "层级/站点", "层级", *[t.label for t in ServiceType], "服务合计", "用时（分钟）", "代办受理", "代办办结",
    "按期办结", "按期率（%）", "评价数", "平均评分",
]  # fmt: skip


def _params(params: QueryDict, names: tuple[str, ...]) -> dict[str, str]:
    return {k: params.get(k, "").strip() for k in names}


def _local(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _record_rows(qs: Any) -> Iterator[list[Any]]:
    r: ServiceRecord
    for r in qs.iterator(chunk_size=2000):
        link = getattr(r, "rating_link", None)
        rating = (
            Satisfaction(link.rating.level).label
            if link is not None and link.rating.voided_at is None
            else ""
        )
        yield [
            r.site.name, r.site.get_level_display(), r.officer.display_name, r.get_service_type_display(),
            r.enterprise_name, r.enterprise.uscc if r.enterprise else "", r.matter, _local(r.started_at),
            _local(r.ended_at), r.minutes, r.get_outcome_display(), r.outcome_note, rating,
        ]  # fmt: skip


def records_plan(user: Any, params: QueryDict) -> ExportPlan:
    if not is_reader(user):
        raise NotFound()
    values = _params(params, queries.RECORD_FILTERS)
    qs = queries.records(user, values).select_related("site", "officer", "enterprise")

    def record(count: int) -> None:
        actions.record_export(acting_user=user, what="帮办服务台账", count=count, filters=values)

    return ExportPlan(
        filename=f"帮办服务台账_{timezone.localdate():%Y%m%d}.xlsx",
        sheet_title="帮办服务台账",
        headers=RECORD_HEADERS,
        rows=_record_rows(qs),
        total=qs.count(),
        record=record,
        widths=[20, 8, 12, 10, 30, 22, 30, 16, 16, 10, 8, 30, 10],
        text_columns=[5],
    )


def figure_row(row: figures.Row, label: str | None = None) -> list[Any]:
    return [
        label or row.label, row.level and str(figures.SiteLevel(row.level).label),
        *[row.by_type[t] for t in ServiceType.values], row.services, row.minutes, row.opened, row.done,
        row.on_time, row.on_time_rate if row.on_time_rate is not None else "",
        row.rated, row.average_score if row.average_score is not None else "",
    ]  # fmt: skip


def figures_plan(user: Any, params: QueryDict) -> ExportPlan:
    if not is_reader(user):
        raise NotFound()
    month = figures.Month.parse(params.get("month"), figures.Month.of(timezone.now()))
    sites = figures.site_rows(visible_sites(user), month)
    rows = [figure_row(r) for r in figures.level_rows(sites)] + [figure_row(r) for r in sites]

    def record(count: int) -> None:
        actions.record_export(
            acting_user=user, what=f"帮办代办统计 {month}", count=count, filters={"month": str(month)}
        )

    return ExportPlan(
        filename=f"帮办代办统计_{month}.xlsx",
        sheet_title=f"{month.label}帮办代办",
        headers=FIGURE_HEADERS,
        rows=rows,
        total=len(rows),
        record=record,
        widths=[24, 8, 10, 10, 10, 10, 10, 12, 10, 10, 10, 12, 8, 10],
    )
