"""不作为/慢作为 detection (R15.2): the patterns in a unit's cases of a month that call for a
proposed 约谈, 责令检查 or 通报批评. Pure reads: aggregated in the database, one query per pattern
family, never a Python loop over cases. Writing the findings and proposals is `actions.inaction`.

The cases of unit U in month M are the ranking's: received in M (Asia/Shanghai), lead unit U,
merged and withdrawn cases left out (`tickets.public.counted_cases`). Every threshold is here, once,
and described to users by `RULES` (docs/supervision.md repeats them).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from bangban.tickets.public import counted_cases

from . import sources
from .figures import month_bounds
from .models import AccountabilityKind, InactionPattern

# A unit shows a pattern when at least LEVELS[pattern][0] of its cases of the month show it; the
# severity is the highest level reached: 1 → 约谈, 2 → 责令检查, 3 → 通报批评.
LEVELS: dict[str, tuple[int, int, int]] = {
    InactionPattern.REPEAT: (3, 6, 10),
    InactionPattern.SAME_PROBLEM: (3, 6, 10),
    InactionPattern.ESCALATED: (2, 4, 8),
    InactionPattern.REOPENED: (3, 6, 10),
    InactionPattern.OVERDUE: (5, 10, 20),
}
# Same enterprise, same category, same lead unit, same month: this many cases make a cluster.
SAME_PROBLEM_MIN = 3
KINDS = {
    1: AccountabilityKind.INTERVIEW,
    2: AccountabilityKind.SELF_EXAMINATION,
    3: AccountabilityKind.CRITICISM,
}
# How many handlers are named under a finding (the ones with the most cases).
TOP_HANDLERS = 5

RULES = [
    "统计范围：当月受理、主办单位为该单位的诉求（不含已合并、已撤回），与月度排名口径一致；检测时间为数据截至时间。",
    "重复反映：诉求被标记为重复反映；同一企业同类问题反复反映：同一企业、同一诉求分类在当月向同一单位"
    f"反映 {SAME_PROBLEM_MIN} 件及以上，计入其全部诉求。",
    "问题上交：诉求在检测时间前至少上交一级（升级处置）；重办：诉求因回访不满意或复核被退回重办至少一次；"
    "超期：诉求曾超期（超期清扫记录的首次超期时间）。",
    "门槛（件数，依次为约谈 / 责令检查 / 通报批评）："
    + "；".join(f"{InactionPattern(p).label} {a}/{b}/{c}" for p, (a, b, c) in LEVELS.items())
    + "。",
    "同一单位、同一月份、同一情形只提议一次；再次检测只更新件数，不重复提议。",
]


def level_for(pattern: str, count: int) -> int:
    """0 below the first threshold, else 1–3."""
    return sum(1 for t in LEVELS[pattern] if count >= t)


def month_cases(year: int, month: int) -> QuerySet[Any]:
    start, end = month_bounds(year, month)
    return counted_cases().filter(received_at__gte=start, received_at__lt=end, lead_unit_id__isnull=False)


def pattern_conditions(now: dt.datetime) -> dict[str, Q]:
    """The condition on a case for each per-case pattern (SAME_PROBLEM is a grouping, see below)."""
    conditions = {
        InactionPattern.REPEAT.value: Q(is_repeat=True),
        InactionPattern.REOPENED.value: Q(reopen_count__gt=0),
        InactionPattern.OVERDUE.value: Q(overdue_at__isnull=False, overdue_at__lte=now),
    }
    escalated = sources.escalated_cases(now)
    if escalated.available:
        conditions[InactionPattern.ESCALATED.value] = Q(pk__in=escalated.data)
    return conditions


@dataclass
class UnitFigures:
    unit_id: int
    total: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    handlers: dict[str, dict[Any, int]] = field(default_factory=dict)


def clusters(year: int, month: int) -> list[dict[str, Any]]:
    """(unit, enterprise, category) groups of the month with at least SAME_PROBLEM_MIN cases."""
    return list(
        month_cases(year, month)
        .filter(enterprise_id__isnull=False)
        .values("lead_unit_id", "enterprise_id", "category_id")
        .annotate(n=Count("id"))
        .filter(n__gte=SAME_PROBLEM_MIN)
        .order_by()
    )


def unit_figures(year: int, month: int, now: dt.datetime) -> dict[int, UnitFigures]:
    """{unit id: counts per pattern and per handler} for the month, as of `now`."""
    conditions = pattern_conditions(now)
    aggregates = {key: Count("id", filter=cond) for key, cond in conditions.items()}
    rows = (
        month_cases(year, month)
        .values("lead_unit_id", "handler_id")
        .annotate(total=Count("id"), **aggregates)
        .order_by()
    )
    out: dict[int, UnitFigures] = {}
    for row in rows:  # one row per (unit, handler) pair, not per case
        fig = out.setdefault(row["lead_unit_id"], UnitFigures(row["lead_unit_id"]))
        fig.total += row["total"]
        for key in conditions:
            n = row[key]
            if n:
                fig.counts[key] = fig.counts.get(key, 0) + n
                if row["handler_id"] is not None:
                    fig.handlers.setdefault(key, {})[row["handler_id"]] = n
    for group in clusters(year, month):
        fig = out.setdefault(group["lead_unit_id"], UnitFigures(group["lead_unit_id"]))
        key = InactionPattern.SAME_PROBLEM.value
        fig.counts[key] = fig.counts.get(key, 0) + group["n"]
    return out


def pattern_cases(year: int, month: int, unit_id: int, pattern: str, now: dt.datetime) -> QuerySet[Any]:
    """The cases behind a finding: the unit's cases of the month that show the pattern."""
    qs = month_cases(year, month).filter(lead_unit_id=unit_id)
    if pattern == InactionPattern.SAME_PROBLEM:
        groups = [g for g in clusters(year, month) if g["lead_unit_id"] == unit_id]
        if not groups:
            return qs.none()
        cond = Q()
        for g in groups:
            cond |= Q(enterprise_id=g["enterprise_id"], category_id=g["category_id"])
        return qs.filter(cond)
    condition = pattern_conditions(now).get(pattern)
    return qs.filter(condition) if condition is not None else qs.none()
