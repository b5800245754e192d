"""The escalation app's figures on `/metrics` (`bangban.core.metrics`): open and overdue cases by
tier, read from the database at each scrape.

A case that never left tier 1 has no `CaseEscalation` row and counts under tier 1. "Open" and
"overdue" are the case system's own definitions (`tickets.public.open_cases` / `overdue_cases`,
the lists' 超期 filter), never a second one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db.models import Count, QuerySet
from prometheus_client.core import GaugeMetricFamily, Metric

from bangban.tickets import public

from .models import Tier


def _by_tier(cases: QuerySet[Any]) -> dict[int, int]:
    counts: dict[int, int] = {}
    rows = cases.order_by().values("escalation__level").annotate(n=Count("pk"))
    for row in rows:
        level = row["escalation__level"] or 1
        counts[level] = counts.get(level, 0) + row["n"]
    return counts


def collect(now: dt.datetime) -> Iterator[Metric]:
    names = dict(Tier.objects.values_list("level", "name"))
    opened = _by_tier(public.open_cases())
    overdue = _by_tier(public.overdue_cases(now))
    levels = sorted(set(names) | set(opened) | set(overdue) | {1})
    for metric, text, counts in (
        ("bangban_cases_open", "未办结（待派单至答复待审核）的诉求数，按会办层级", opened),
        ("bangban_cases_overdue", "超期诉求数（已过办理期限且仍在办理），按会办层级", overdue),
    ):
        family = GaugeMetricFamily(metric, text, labels=["tier", "tier_name"])
        for level in levels:
            family.add_metric([str(level), names.get(level, "")], counts.get(level, 0))
        yield family
