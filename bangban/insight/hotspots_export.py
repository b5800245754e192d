"""Export of a run's 堵点 list to .xlsx through `bangban.core.exports` (conduct complaints appear
only in the counts)."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict

from bangban.audit.actions import record
from bangban.core.errors import NotFound
from bangban.core.exports import ExportPlan

from . import hotspots_access as access
from . import hotspots_queries as queries
from .hotspots import HEAT_FORMULA

HEADER = ["排名", "堵点", "热度", "类别", "集中于", "诉求数", "涉及企业数", "涉及区域数", "涉及单位数",
          "持续天数", "重复反映数", "差评数", "基线（前期窗口平均）", "典型诉求编号", "已转督办"]  # fmt: skip
WIDTHS = [6, 40, 8, 18, 30, 8, 10, 10, 10, 8, 10, 8, 12, 22, 10]


def export_plan(user: Any, params: QueryDict) -> ExportPlan:
    access.require_view(user)
    found = (
        access.access_run(user, params.get("run"))
        if params.get("run")
        else queries.run_for(queries.parse_month(params.get("month", "")))
    )
    if found is None:
        raise NotFound("该月暂无堵点分析结果", code="not_found")
    run = found
    qs = queries.problems(run).select_related("representative")

    def rows() -> Any:
        for p in qs.iterator(chunk_size=500):
            rep = p.representative.number if p.representative_id and p.representative else ""
            yield [p.rank, p.label, p.heat, "、".join(queries.classes(p)), p.concentration, p.case_count,
                   p.enterprise_count, p.region_count, p.unit_count, p.day_span, p.repeat_count,
                   p.bad_rating_count, p.baseline, rep, "是" if p.escalated_at else "否"]  # fmt: skip
        yield ["", HEAT_FORMULA]

    def audit(count: int) -> None:
        record("insight.hotspots_export", actor=user, obj=run, after={"rows": count, "run": run.pk})

    return ExportPlan(
        filename=f"堵点清单_{run.window_end:%Y%m%d}.xlsx",
        sheet_title="堵点清单",
        headers=HEADER,
        rows=rows(),
        total=qs.count() + 1,
        record=audit,
        widths=WIDTHS,
        text_columns=(13,),
    )
