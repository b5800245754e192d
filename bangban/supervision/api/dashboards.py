"""`/supervision/meeting`, `/dashboard`: the monthly analysis meeting pack and dashboard data."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from bangban.core.answers import answers
from bangban.core.errors import ValidationFailed
from bangban.core.replica import reading_from_replica
from bangban.core.schemas import MonthText

from .. import access, dashboard, figures, meeting
from ._common import router


@router.get(
    "/meeting",
    response=answers(dict[str, Any], "month_invalid"),
    summary="处置分析会材料（当月数据、突出问题、超期清单）",
)
def meeting_pack(request: HttpRequest, month: MonthText = "") -> Any:
    with reading_from_replica():
        access.require_viewer(request.user)
        today = timezone.localdate()
        y, m = dashboard.parse_month(month or None, figures.previous_month(today.year, today.month))
        pack = meeting.build_pack(request.user, y, m)
        return {
            "title": pack.title,
            "totals": pack.totals,
            "problems": [dict(zip(meeting.PROBLEM_HEADERS, row, strict=False)) for row in pack.problems],
            "overdue": [dict(zip(meeting.OVERDUE_HEADERS, row, strict=False)) for row in pack.overdue],
            "ranking": [
                {
                    k: r[k]
                    for k in (
                        "rank",
                        "unit_name",
                        "total",
                        "response_rate",
                        "resolution_rate",
                        "satisfaction_rate",
                        "score",
                    )
                }
                for r in pack.ranking
            ],
            "unranked": [r["unit_name"] for r in pack.unranked],
            "frozen": pack.frozen,
            "rules": pack.rules,
        }


# --- dashboard --------------------------------------------------------------------------------


@router.get(
    "/dashboard",
    response=answers(dict[str, Any], "month_invalid", "months_invalid"),
    summary="看板数据（按权限范围）",
)
def dashboard_data(
    request: HttpRequest, region: int | None = None, month: MonthText = "", months: int = 6
) -> Any:
    with reading_from_replica():
        access.require_viewer(request.user)
        target = dashboard.resolve_region(request.user, region)
        y, m = dashboard.parse_month(month or None)
        status: dict[str, Any] = {}
        charts = dashboard.build(request.user, target, y, m, months, status)
        return {
            "region": {"id": target.pk, "name": target.name} if target else None,
            "charts": charts,
            # pending: summaries still being prepared in the background (missing: months without
            # counts yet; updating: months shown with older counts); ask again in a few seconds.
            # as_of: 「数据截至」, the oldest counts among the months that still change.
            "build": status,
        }


@router.post(
    "/dashboard/refresh",
    response=answers(dict[str, Any], "month_invalid", "months_invalid"),
    summary="立即重新汇总看板数据（营商办）",
)
def dashboard_refresh(request: HttpRequest, month: MonthText = "", months: int = 6) -> Any:
    access.require_manager(request.user)
    if not 1 <= months <= 24:
        raise ValidationFailed("月份数应在 1–24 之间", code="months_invalid")
    y, m = dashboard.parse_month(month or None)
    queued = dashboard.request_builds(dashboard.months_ending(y, m, months), force=True)
    return {"queued": [f"{a}-{b:02d}" for a, b in queued]}
