"""Monthly figures of 帮办代办 (R2.1): per site and per level (市/县/乡镇/村). One definition, used by
the figures page, the API and the Excel export (docs/assist.md, "Figures"):

* services by type (咨询解答, 导服导办, 全程帮办, 免费代办), their total and minutes: service
  records whose start (`started_at`) falls in the month, local time;
* 代办 opened: opened in the month; 代办 done: closed 办结 in the month; done on time: of those,
  closed on or before the promised date (`due_on`);
* ratings: the 好差评 given to the month's service records through their QR/link, voided ones aside;
  the average score counts 非常满意 as 5 … 非常不满意 as 1 (level code 1–5 turned round: 6 − code).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from bangban.core.errors import ValidationFailed
from bangban.org.models import SiteLevel

from .models import Errand, ErrandStatus, RecordRating, ServiceRecord, ServiceType, Site

MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @classmethod
    def of(cls, moment: dt.datetime) -> Month:
        local = timezone.localtime(moment)
        return cls(local.year, local.month)

    @classmethod
    def parse(cls, value: Any, default: Month) -> Month:
        raw = str(value or "").strip()
        if not raw:
            return default
        found = MONTH.match(raw)
        if found is None or not 1 <= int(found.group(2)) <= 12 or not 2000 <= int(found.group(1)) <= 2100:
            raise ValidationFailed("月份格式不正确，应为 2026-11", code="invalid_month")
        return cls(int(found.group(1)), int(found.group(2)))

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        start = timezone.make_aware(dt.datetime(self.year, self.month, 1))
        nxt = dt.datetime(self.year + self.month // 12, self.month % 12 + 1, 1)
        return start, timezone.make_aware(nxt)

    def previous(self) -> Month:
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}"

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月"


@dataclass
class Row:
    """The figures of one site, or of one level (the sum of its sites)."""

    key: str
    label: str
    level: str
    by_type: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ServiceType.values, 0))
    minutes: int = 0
    opened: int = 0
    done: int = 0
    on_time: int = 0
    rated: int = 0
    score_sum: int = 0

    @property
    def services(self) -> int:
        return sum(self.by_type.values())

    @property
    def average_score(self) -> float | None:
        return round(self.score_sum / self.rated, 2) if self.rated else None

    @property
    def on_time_rate(self) -> float | None:
        return round(100 * self.on_time / self.done, 1) if self.done else None

    def add(self, other: Row) -> None:
        for key, value in other.by_type.items():
            self.by_type[key] += value
        self.minutes += other.minutes
        self.opened += other.opened
        self.done += other.done
        self.on_time += other.on_time
        self.rated += other.rated
        self.score_sum += other.score_sum

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key, "label": self.label, "level": self.level, "services": self.services,
            **{f"type_{k}": v for k, v in self.by_type.items()}, "minutes": self.minutes,
            "errands_opened": self.opened, "errands_done": self.done, "errands_on_time": self.on_time,
            "on_time_rate": self.on_time_rate, "rated": self.rated, "average_score": self.average_score,
        }  # fmt: skip


def site_rows(sites: QuerySet[Site], month: Month) -> list[Row]:
    """One row per site of `sites` (every site, those without services too), in level order."""
    start, end = month.bounds()
    site_list = list(sites.select_related("region").order_by("region__path", "name"))
    ids = [s.pk for s in site_list]
    rows = {s.pk: Row(key=str(s.pk), label=s.name, level=s.level) for s in site_list}
    services = (
        ServiceRecord.objects.filter(site_id__in=ids, started_at__gte=start, started_at__lt=end)
        .values("site_id")
        .annotate(
            minutes=Sum("minutes"),
            **{f"n_{k}": Count("pk", filter=Q(service_type=k)) for k in ServiceType.values},
        )
    )
    for item in services:
        row = rows[item["site_id"]]
        row.minutes = item["minutes"] or 0
        row.by_type = {k: item[f"n_{k}"] for k in ServiceType.values}
    opened = (
        Errand.objects.filter(site_id__in=ids, opened_at__gte=start, opened_at__lt=end)
        .values("site_id")
        .annotate(n=Count("pk"))
    )
    for item in opened:
        rows[item["site_id"]].opened = item["n"]
    done = (
        Errand.objects.filter(
            site_id__in=ids, status=ErrandStatus.DONE, closed_at__gte=start, closed_at__lt=end
        )
        .values("site_id")
        .annotate(n=Count("pk"), on_time=Count("pk", filter=Q(closed_at__date__lte=F("due_on"))))
    )
    for item in done:
        rows[item["site_id"]].done, rows[item["site_id"]].on_time = item["n"], item["on_time"]
    rated = (
        RecordRating.objects.filter(
            record__site_id__in=ids,
            record__started_at__gte=start,
            record__started_at__lt=end,
            rating__voided_at__isnull=True,
        )
        .values("record__site_id")
        .annotate(n=Count("pk"), levels=Sum("rating__level"))
    )
    for item in rated:
        row = rows[item["record__site_id"]]
        row.rated = item["n"]
        row.score_sum = 6 * item["n"] - (item["levels"] or 0)
    order = {level: i for i, level in enumerate(SiteLevel.values)}
    return sorted(rows.values(), key=lambda r: order[r.level])


def level_rows(rows: list[Row]) -> list[Row]:
    """One row per level (市/县/乡镇/村), each the sum of its sites' rows; then the total."""
    levels = {
        level: Row(key=level, label=str(SiteLevel(level).label), level=level) for level in SiteLevel.values
    }
    total = Row(key="total", label="合计", level="")
    for row in rows:
        levels[row.level].add(row)
        total.add(row)
    return [*levels.values(), total]
