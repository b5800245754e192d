"""The yearly list as .xlsx (`register_export("fieldruns", …)`, sent by `export_response`): one
row per run, then the figures per unit — the same `figures` the page and the API show."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict
from django.utils import timezone

from bangban.audit.actions import record
from bangban.core.errors import NotFound
from bangban.core.exports import ExportPlan

from . import figures
from .access import sees_runs

HEADERS = [
    "编号", "单位", "跑现场人", "跑现场日期", "办理事项", "大厅或现场", "方式", "身份", "用时（分钟）",
    "办理环节", "发现问题", "整改情况", "状态",
]  # fmt: skip
WIDTHS = [16, 24, 12, 12, 20, 24, 8, 14, 10, 40, 50, 60, 10]


def export_plan(user: Any, params: QueryDict) -> ExportPlan:
    if not sees_runs(user):
        raise NotFound()
    today = timezone.localdate()
    year = figures.parse_year(params.get("year", ""), today.year)
    runs = list(figures.yearly_runs(user, year, params.get("unit", "")))
    totals = figures.unit_figures(runs, today)

    def rows() -> Any:
        for r in runs:
            yield [
                r.number, r.unit.name, r.runner.display_name, r.done_on, r.service, r.place, r.get_kind_display(),
                r.get_role_display(), r.minutes, r.steps, figures.findings_text(r), figures.changes_text(r, today),
                r.get_status_display(),
            ]  # fmt: skip
        yield []
        yield ["单位统计", "单位", *figures.FIGURE_HEADERS]
        for u in totals.units:
            yield ["", u.unit_name, *u.values()]
        yield ["", "合计", *totals.sums()]

    def audit(count: int) -> None:
        record(
            "fieldruns.export",
            actor=user,
            object_type="fieldruns.export",
            object_repr=f"跑现场年度清单 {year}",
            after={"year": year, "runs": len(runs), "rows": count},
        )

    return ExportPlan(
        filename=f"跑现场年度清单_{year}.xlsx",
        sheet_title=f"{year}年跑现场",
        headers=HEADERS,
        rows=rows(),
        total=len(runs) + len(totals.units) + 3,
        record=audit,
        widths=WIDTHS,
    )
