"""The lists of 帮办代办, filtered the same way by the pages, the API and the export."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from bangban.core.errors import ValidationFailed
from bangban.org.models import SiteLevel

from .access import visible_errands, visible_records, visible_sites
from .figures import Month
from .models import Errand, ErrandStatus, ServiceRecord, ServiceType, Site

RECORD_FILTERS = ("q", "site", "type", "level", "month")
ERRAND_FILTERS = ("q", "site", "status")


def _site_id(value: str) -> int | None:
    if not value:
        return None
    if not value.isdigit() or len(value) > 9:
        raise ValidationFailed("站点参数不正确", code="invalid_site")
    return int(value)


def records(
    user: Any, params: dict[str, str], *, default_month: Month | None = None
) -> QuerySet[ServiceRecord]:
    qs = visible_records(user)
    q = (params.get("q") or "").strip()[:100]
    if q:
        qs = qs.filter(
            Q(enterprise_name__icontains=q) | Q(matter__icontains=q) | Q(officer__full_name__icontains=q)
        )
    site = _site_id((params.get("site") or "").strip())
    if site is not None:
        qs = qs.filter(site_id=site)
    kind = (params.get("type") or "").strip()
    if kind:
        if kind not in ServiceType.values:
            raise ValidationFailed("服务类型参数不正确", code="invalid_service_type")
        qs = qs.filter(service_type=kind)
    level = (params.get("level") or "").strip()
    if level:
        if level not in SiteLevel.values:
            raise ValidationFailed("层级参数不正确", code="invalid_level")
        qs = qs.filter(site__level=level)
    month_text = (params.get("month") or "").strip()
    if month_text:
        start, end = Month.parse(month_text, default_month or Month(2000, 1)).bounds()
        qs = qs.filter(started_at__gte=start, started_at__lt=end)
    return qs.select_related("rating_link__rating")


def errands(user: Any, params: dict[str, str]) -> QuerySet[Errand]:
    qs = visible_errands(user)
    q = (params.get("q") or "").strip()[:100]
    if q:
        qs = qs.filter(Q(enterprise_name__icontains=q) | Q(matter__icontains=q) | Q(number__icontains=q))
    site = _site_id((params.get("site") or "").strip())
    if site is not None:
        qs = qs.filter(site_id=site)
    status = (params.get("status") or "").strip()
    if status:
        if status not in ErrandStatus.values:
            raise ValidationFailed("状态参数不正确", code="invalid_status")
        qs = qs.filter(status=status)
    return qs


def sites(user: Any, params: dict[str, str]) -> QuerySet[Site]:
    qs = visible_sites(user)
    level = (params.get("level") or "").strip()
    if level:
        if level not in SiteLevel.values:
            raise ValidationFailed("层级参数不正确", code="invalid_level")
        qs = qs.filter(level=level)
    q = (params.get("q") or "").strip()[:100]
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(region__name__icontains=q))
    return qs.annotate(officers=Count("roster", filter=Q(roster__end_on__isnull=True))).order_by(
        "region__path", "name"
    )
