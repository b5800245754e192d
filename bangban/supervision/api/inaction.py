"""`/supervision/inaction`: 不作为/慢作为 findings of a month, the cases behind each, and running the
detection in the background (营商办)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Schema, Status

from bangban.core.answers import answers
from bangban.core.errors import NotFound, ValidationFailed
from bangban.core.pagination import PageNumber, PageSize, page_body
from bangban.core.replica import reading_from_replica
from bangban.core.schemas import MonthText, PathMonth, PathYear
from bangban.org.models import Unit

from .. import access, dashboard, inaction
from ..models import InactionPattern, InactionScan
from ..tasks import detect_inaction_task
from ._common import router
from .rankings import SupervisionCasePage


class InactionFindingOut(Schema):
    id: int
    unit_id: int
    unit_name: str = Field(description="单位")
    pattern: str = Field(description="、".join(f"{v} {lbl}" for v, lbl in InactionPattern.choices))
    pattern_label: str
    cases: int = Field(description="涉及诉求数")
    total: int = Field(description="该单位当月诉求数")
    level: int = Field(description="1 约谈 / 2 责令检查 / 3 通报批评")
    kind: str = Field(description="提议类型（interview / self_examination / criticism）")
    handlers: list[dict[str, Any]] = Field(description="涉及诉求最多的承办人：id、name、cases")
    record_id: int | None = Field(description="问责提议记录")
    cases_url: str = Field(description="背后诉求（API）")


class InactionMonthOut(Schema):
    year: int
    month: int
    detected_at: Any = Field(description="上次检测时间；未检测为 null")
    as_of: Any = Field(description="数据截至")
    rules: list[str] = Field(description="检测口径与门槛")
    findings: list[InactionFindingOut]


class InactionQueuedOut(Schema):
    queued: bool
    year: int
    month: int


def _finding(f: Any) -> dict[str, Any]:
    return {
        "id": f.pk,
        "unit_id": f.unit_id,
        "unit_name": f.unit.name,
        "pattern": f.pattern,
        "pattern_label": f.get_pattern_display(),
        "cases": f.cases,
        "total": f.total,
        "level": f.level,
        "kind": f.kind,
        "handlers": f.handlers,
        "record_id": f.record_id,
        "cases_url": f"/api/v1/supervision/inaction/{f.year}/{f.month}/units/{f.unit_id}/{f.pattern}",
    }


@router.get("/inaction", response=answers(InactionMonthOut, "month_invalid"), summary="不作为慢作为检测结果")
def inaction_findings(request: HttpRequest, month: MonthText = "") -> Any:
    with reading_from_replica():
        access.require_viewer(request.user)
        y, m = dashboard.parse_month(month or None)
        scan = InactionScan.objects.filter(year=y, month=m).first()
        rows = access.visible_findings(request.user).filter(year=y, month=m)
        return {
            "year": y,
            "month": m,
            "detected_at": scan.detected_at if scan else None,
            "as_of": scan.as_of if scan else None,
            "rules": inaction.RULES,
            "findings": [_finding(f) for f in rows[:1000]],
        }


@router.post(
    "/inaction/{year}/{month}/detect",
    response=answers({202: InactionQueuedOut}, "month_invalid"),
    summary="后台检测某月不作为慢作为（营商办）",
)
def inaction_detect(request: HttpRequest, year: PathYear, month: PathMonth) -> Any:
    access.require_manager(request.user)
    detect_inaction_task.enqueue(year, month, request.user.pk)
    return Status(202, {"queued": True, "year": year, "month": month})


@router.get(
    "/inaction/{year}/{month}/units/{unit_id}/{pattern}",
    response=answers(SupervisionCasePage, "pattern_invalid"),
    summary="某项不作为慢作为发现背后的诉求",
)
def inaction_cases(
    request: HttpRequest,
    year: PathYear,
    month: PathMonth,
    unit_id: int,
    pattern: str,
    page: PageNumber = 1,
    size: PageSize = 20,
) -> Any:
    with reading_from_replica():
        access.require_viewer(request.user)
        if pattern not in InactionPattern.values:
            raise ValidationFailed("检测情形无效", code="pattern_invalid")
        unit = Unit.objects.select_related("region").filter(pk=unit_id).first()
        if unit is None:
            raise NotFound()
        access.check_unit(request.user, unit)
        scan = InactionScan.objects.filter(year=year, month=month).first()
        qs = inaction.pattern_cases(
            year, month, unit_id, pattern, scan.as_of if scan else timezone.now()
        ).order_by("-received_at", "-pk")
        return page_body(access.openable_cases(request.user, qs), page, size)
