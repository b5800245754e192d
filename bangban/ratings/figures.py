"""Monthly figures per unit (R2.4, R6.3): pure reads that other apps (monthly rankings, notices)
call. A month is a calendar month in Asia/Shanghai.

For unit U and month M:
- 回访率 = cases of U (lead unit) answered in M that have a follow-up (回访) / cases of U answered in M;
- 满意率 = first ratings of U in M at 非常满意/满意/基本满意 / first ratings of U in M;
- 差评率 = first ratings of U in M at 不满意/非常不满意, not voided by an upheld appeal / first ratings;
- 整改率 = rectifications of U opened in M that are rectified (fed back or closed) / rectifications
  of U opened in M, not counting those voided by an upheld appeal (申诉成立);
- 回头看: the cases of U in the month's sample, and those found 办结不实;
- 主动评价率 = first ratings of U in M that the rater gave on their own (评价器, 二维码, PC) / first
  ratings of U in M (the rest came through an SMS invitation).
A rate is None when its denominator is 0. Counts come with the rates. A voided rating (作废, given in
breach of the rules) counts nowhere, nor does the rectification it opened.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Q, QuerySet

from bangban.core.satisfaction import BAD_RATINGS, SATISFIED_LEVELS
from bangban.tickets.public import all_cases, cases_replied_between

from .models import (
    FollowUpCall,
    Rating,
    RecheckDraw,
    RecheckItem,
    RecheckOutcome,
    Rectification,
    RectStatus,
    Stage,
)
from .recheck import month_bounds

FIGURE_LABELS = {
    "follow_up_rate": "回访率",
    "satisfaction_rate": "满意率",
    "bad_rate": "差评率",
    "rectification_rate": "整改率",
    "proactive_rate": "主动评价率",
}


def _rate(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def _empty() -> dict[str, Any]:
    return {
        "answered": 0,
        "followed_up": 0,
        "ratings": 0,
        "satisfied": 0,
        "bad": 0,
        "proactive": 0,
        "rectifications": 0,
        "rectified": 0,
        "rechecked": 0,
        "not_solved": 0,
    }


def unit_month_figures(year: int, month: int) -> dict[int, dict[str, Any]]:
    """{unit_id: {counts…, follow_up_rate, satisfaction_rate, bad_rate, rectification_rate,
    proactive_rate}} for every unit with anything to count in the month (rates in percent)."""

    start, end = month_bounds(year, month)
    out: dict[int, dict[str, Any]] = {}

    def row(unit_id: int | None) -> dict[str, Any] | None:
        if unit_id is None:
            return None
        return out.setdefault(unit_id, _empty())

    answered = (
        cases_replied_between(start, end)
        .filter(lead_unit__isnull=False)
        .values("lead_unit")
        .annotate(
            total=Count("id", distinct=True),
            followed=Count("id", filter=Q(follow_ups__isnull=False), distinct=True),
        )
    )
    for r in answered:
        if (d := row(r["lead_unit"])) is not None:
            d["answered"], d["followed_up"] = r["total"], r["followed"]
    ratings = (
        Rating.objects.filter(
            stage=Stage.FIRST, created_at__gte=start, created_at__lt=end, voided_at__isnull=True
        )
        .values("unit")
        .annotate(
            total=Count("id"),
            satisfied=Count("id", filter=Q(level__in=[int(x) for x in SATISFIED_LEVELS])),
            bad=Count("id", filter=Q(level__in=[int(x) for x in BAD_RATINGS], invalidated=False)),
            proactive=Count("id", filter=Q(proactive=True)),
        )
    )
    for r in ratings:
        if (d := row(r["unit"])) is not None:
            d["ratings"], d["satisfied"], d["bad"], d["proactive"] = (
                r["total"], r["satisfied"], r["bad"], r["proactive"],
            )  # fmt: skip
    rects = (
        Rectification.objects.filter(
            created_at__gte=start, created_at__lt=end, rating__voided_at__isnull=True
        )
        .exclude(status__in=[RectStatus.DISMISSED, RectStatus.VOIDED])
        .values("unit")
        .annotate(
            total=Count("id"),
            done=Count("id", filter=Q(status__in=[RectStatus.FED_BACK, RectStatus.CLOSED])),
        )
    )
    for r in rects:
        if (d := row(r["unit"])) is not None:
            d["rectifications"], d["rectified"] = r["total"], r["done"]
    draw = RecheckDraw.objects.filter(year=year, month=month).only("sample_units").first()
    if draw is not None:
        for unit_id, count in Counter(draw.sample_units).items():
            if (d := row(unit_id)) is not None:
                d["rechecked"] = count
        not_solved = (
            RecheckItem.objects.filter(draw=draw, outcome=RecheckOutcome.NOT_SOLVED)
            .values("unit")
            .annotate(bad=Count("id"))
        )
        for r in not_solved:
            if (d := row(r["unit"])) is not None:
                d["not_solved"] = r["bad"]
    for d in out.values():
        d["follow_up_rate"] = _rate(d["followed_up"], d["answered"])
        d["satisfaction_rate"] = _rate(d["satisfied"], d["ratings"])
        d["bad_rate"] = _rate(d["bad"], d["ratings"])
        d["rectification_rate"] = _rate(d["rectified"], d["rectifications"])
        d["proactive_rate"] = _rate(d["proactive"], d["ratings"])
    return out


def monthly_bad_ratings(year: int, month: int) -> QuerySet[Rating]:
    """The month's 差评 (按月通报): every bad rating in the month, neither voided by an upheld appeal
    nor voided (作废) as given in breach of the rules."""
    start, end = month_bounds(year, month)
    return (
        Rating.objects.filter(
            created_at__gte=start,
            created_at__lt=end,
            level__in=[int(x) for x in BAD_RATINGS],
            invalidated=False,
            voided_at__isnull=True,
        )
        .select_related("unit", "subject", "subject__ticket", "subject__window", "rectification")
        .order_by("unit__name", "created_at", "id")
    )


def flagged_for_escalation() -> QuerySet[FollowUpCall]:
    """回访 that found a case still unsolved after the maximum number of reopens (需督办), newest
    first: what the escalation app picks up (each call carries the case and the agent)."""
    return (
        FollowUpCall.objects.filter(escalation_flagged=True)
        .select_related("ticket", "by")
        .order_by("-at", "-id")
    )


def bad_ratings_per_case(case_ids: Iterable[int]) -> dict[int, int]:
    """{case id: its 差评 that count} for these cases (neither upheld on appeal nor voided): what the
    heat of a hotspot (insight) weighs."""
    ids = list(case_ids)
    if not ids:
        return {}
    rows = (
        Rating.objects.filter(
            subject__ticket_id__in=ids,
            level__in=[int(x) for x in BAD_RATINGS],
            invalidated=False,
            voided_at__isnull=True,
        )
        .values("subject__ticket_id")
        .annotate(n=Count("id"))
    )
    return {r["subject__ticket_id"]: r["n"] for r in rows}


def enterprise_month_figures(
    enterprise_ids: Iterable[int], year: int, month: int
) -> dict[int, dict[str, Any]]:
    """{enterprise id: figures} of the 企业满意度回头看 (R14.2): an enterprise's satisfaction across
    its cases in month M, by the definitions above — `cases` its cases closed in M (the 回头看
    population), 满意率 = its cases' first ratings in M at 非常满意/满意/基本满意 ÷ those ratings
    (voided ratings count nowhere), 差评 likewise, and of its cases in M's case sample, those
    re-checked and found 办结不实. Every id asked for is in the answer."""

    ids = [int(i) for i in enterprise_ids]
    start, end = month_bounds(year, month)
    out: dict[int, dict[str, Any]] = {
        i: {"cases": 0, "ratings": 0, "satisfied": 0, "bad": 0, "rechecked": 0, "not_solved": 0} for i in ids
    }
    if not ids:
        return out
    for r in (
        all_cases()
        .filter(enterprise_id__in=ids, closed_at__gte=start, closed_at__lt=end)
        .values("enterprise_id")
        .annotate(n=Count("id"))
    ):
        out[r["enterprise_id"]]["cases"] = r["n"]
    ratings = (
        Rating.objects.filter(
            stage=Stage.FIRST,
            created_at__gte=start,
            created_at__lt=end,
            voided_at__isnull=True,
            subject__ticket__enterprise_id__in=ids,
        )
        .values("subject__ticket__enterprise_id")
        .annotate(
            total=Count("id"),
            satisfied=Count("id", filter=Q(level__in=[int(x) for x in SATISFIED_LEVELS])),
            bad=Count("id", filter=Q(level__in=[int(x) for x in BAD_RATINGS], invalidated=False)),
        )
    )
    for r in ratings:
        d = out[r["subject__ticket__enterprise_id"]]
        d["ratings"], d["satisfied"], d["bad"] = r["total"], r["satisfied"], r["bad"]
    draw = RecheckDraw.objects.filter(year=year, month=month).only("sample_ids").first()
    if draw is not None:
        sampled = all_cases().filter(pk__in=draw.sample_ids, enterprise_id__in=ids)
        for r in sampled.values("enterprise_id").annotate(n=Count("id")):
            out[r["enterprise_id"]]["rechecked"] = r["n"]
        not_solved = RecheckItem.objects.filter(
            draw=draw, outcome=RecheckOutcome.NOT_SOLVED, ticket__enterprise_id__in=ids
        )
        for r in not_solved.values("ticket__enterprise_id").annotate(n=Count("id")):
            out[r["ticket__enterprise_id"]]["not_solved"] = r["n"]
    for d in out.values():
        d["satisfaction_rate"] = _rate(d["satisfied"], d["ratings"])
    return out
