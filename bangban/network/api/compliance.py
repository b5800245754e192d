"""`/network/compliance`, `/verification-results`: the compliance matrix and verification results."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Schema

from bangban.core.answers import answers
from bangban.core.errors import NotFound, ValidationFailed

from .. import queries
from ..access import area_filter, can_see_compliance
from ..rules import Quarter
from ._common import router


class TallyOut(Schema):
    enterprises: int = Field(description="挂钩企业数")
    contacted: list[int] = Field(description="季度内各月已联系的企业数")
    required: list[int] = Field(description="季度内各月应联系的企业数（未到的月份为0）")
    visited: int = Field(description="应走访且本季度已上门走访的企业数")
    visit_required: int = Field(description="应于本季度上门走访的企业数（统计截至日仍在挂钩的）")
    behind: int = Field(
        description="落后的企业数：已结束的月份未联系，或季度结束后仍未走访（进行中的月份、季度不计落后）"
    )
    up_to_date: bool = Field(description="是否达标")


class OfficerComplianceOut(Schema):
    officer_id: int = Field(description="专员用户ID")
    officer_name: str = Field(description="专员姓名")
    unit_name: str = Field(description="所在单位")
    tally: TallyOut


class RegionComplianceOut(Schema):
    region_code: str = Field(description="县区/功能区代码")
    region_name: str = Field(description="县区/功能区名称")
    officers_behind: int = Field(description="落后的专员数")
    tally: TallyOut


class ComplianceOut(Schema):
    quarter: str = Field(description="季度，如 2026Q4")
    as_of: dt.date = Field(description="统计截至日期")
    closed_months: list[bool] = Field(description="季度内各月是否已结束（只有已结束的月份未联系才计落后）")
    officers: list[OfficerComplianceOut] = Field(description="按专员（by=officer）")
    regions: list[RegionComplianceOut] = Field(description="按县区/功能区（by=region）")


def tally_out(t: queries.Tally) -> dict[str, Any]:
    return {
        "enterprises": t.enterprises,
        "contacted": t.contacted,
        "required": t.required,
        "visited": t.visited,
        "visit_required": t.visit_required,
        "behind": t.behind,
        "up_to_date": t.up_to_date,
    }


@router.get(
    "/compliance",
    response=answers(ComplianceOut, "invalid_quarter"),
    summary="联系走访达标矩阵",
    description=(
        "quarter 如 2026Q4（默认本季度）；by=officer 按专员，by=region 按县区/功能区；"
        "region=县区/功能区代码 时按专员只统计该区域的挂钩企业（牵头单位提醒中的链接即用此筛选）。"
    ),
)
def compliance(request: HttpRequest, quarter: str = "", by: str = "officer", region: str = "") -> Any:
    user = request.user
    if not can_see_compliance(user):
        raise NotFound()
    q = Quarter.parse(quarter) if quarter else Quarter.of(timezone.localdate())
    if q is None:
        raise ValidationFailed("季度格式不正确，应如 2026Q4", code="invalid_quarter")
    area = area_filter(user, region)
    period = queries.period_for(q)
    body: dict[str, Any] = {
        "quarter": q.code,
        "as_of": period.as_of,
        "closed_months": period.closed,
        "officers": [],
        "regions": [],
    }
    if by == "region":
        body["regions"] = [
            {
                "region_code": r.region.code,
                "region_name": r.region.name,
                "officers_behind": r.officers_behind,
                "tally": tally_out(r.tally),
            }
            for r in queries.compliance_by_region(user, period)
        ]
    else:
        body["officers"] = [
            {
                "officer_id": r.officer.pk,
                "officer_name": r.officer.display_name,
                "unit_name": r.officer.unit.name if r.officer.unit else "",
                "tally": tally_out(r.tally),
            }
            for r in queries.compliance_by_officer(user, period, region=area)
        ]
    return body


class VerificationRegionOut(Schema):
    region_code: str = Field(description="县区/功能区代码")
    region_name: str = Field(description="县区/功能区名称")
    counts: dict[str, int] = Field(description="各核验状态的走访次数")


@router.get(
    "/verification-results",
    response=answers(list[VerificationRegionOut], "invalid_quarter"),
    summary="走访核验结果",
)
def verification_results(request: HttpRequest, quarter: str = "") -> Any:
    q = Quarter.parse(quarter) if quarter else Quarter.of(timezone.localdate())
    if q is None:
        raise ValidationFailed("季度格式不正确，应如 2026Q4", code="invalid_quarter")
    return [
        {"region_code": r.region.code, "region_name": r.region.name, "counts": r.counts}
        for r in queries.verification_by_region(request.user, q)
    ]
