"""The monthly figures per lead unit, computed set-based: one conditional aggregation over the
month's cases grouped by lead unit, one over their follow-ups, plus the ratings figures read
through `sources`. The rules, in words, are in `definitions.py` (shown on every page and
document that shows these figures); this module is their only implementation.

Every function takes a `scope` (`definitions.SCOPES`): "all" counts every channel, "hotline"
only the 12345 hotline's cases (the 12345 通报).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q, QuerySet

from bangban.core.errors import ValidationFailed
from bangban.core.satisfaction import BAD_RATINGS, SATISFIED_LEVELS
from bangban.tickets.models import FollowUp
from bangban.tickets.public import cases_received_between
from bangban.tickets.workflow import SET_ASIDE_STATUSES
from bangban.workdays.arithmetic import SHANGHAI

from . import definitions, sources

# Merged and withdrawn cases count nowhere (sorted: the same SQL text in every process).
EXCLUDED_STATUSES = tuple(sorted(SET_ASIDE_STATUSES))
SATISFIED = [int(x) for x in SATISFIED_LEVELS]
BAD = [int(x) for x in BAD_RATINGS]

COUNT_FIELDS = (
    "total",
    "dispatched",
    "responded",
    "closed",
    "closed_on_time",
    "follow_ups",
    "resolved",
    "satisfied",
    "rated",
    "bad",
    "rectified",
    "repeat_count",
    "overdue_count",
)
RATE_FIELDS = ("response_rate", "on_time_rate", "resolution_rate", "satisfaction_rate", "rectification_rate")
RATE_LABELS = {
    "response_rate": "响应率",
    "on_time_rate": "按期办结率",
    "resolution_rate": "解决率",
    "satisfaction_rate": "满意率",
    "rectification_rate": "差评整改率",
}


def month_bounds(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    try:
        year, month = int(year), int(month)
    except (TypeError, ValueError) as exc:
        raise ValidationFailed("年月无效", code="month_invalid") from exc
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise ValidationFailed("年月无效", code="month_invalid")
    start = dt.datetime(year, month, 1, tzinfo=SHANGHAI)
    end = dt.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=SHANGHAI)
    return start, end


def previous_month(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def check_scope(key: Any) -> str:
    if key in (None, ""):
        return definitions.DEFAULT_SCOPE
    if key not in definitions.SCOPES:
        raise ValidationFailed("统计范围无效（all 全部渠道 / hotline 12345热线）", code="scope_invalid")
    return str(key)


def scope_q(scope: str, prefix: str = "") -> Q:
    channels = definitions.scope(scope).channels
    return Q() if channels is None else Q(**{f"{prefix}channel__in": channels})


def month_cases(year: int, month: int, scope: str = definitions.DEFAULT_SCOPE) -> QuerySet[Any]:
    """The cases of a month (`definitions.MONTH_RULE`, before the lead-unit condition) in `scope`."""

    start, end = month_bounds(year, month)
    return cases_received_between(start, end).filter(scope_q(scope)).exclude(status__in=EXCLUDED_STATUSES)


def unit_cases_between(unit_id: int, start: dt.datetime, end: dt.datetime) -> int:
    """The cases a unit led, received in [start, end) — the count a 研判 (R10) covers, by the
    month's rule (`definitions.MONTH_RULE`) over any period."""

    return (
        cases_received_between(start, end)
        .filter(lead_unit_id=unit_id)
        .exclude(status__in=EXCLUDED_STATUSES)
        .count()
    )


def month_follow_ups(year: int, month: int, scope: str = definitions.DEFAULT_SCOPE) -> QuerySet[Any]:
    """The follow-ups (回访) of the month's cases with a lead unit, in `scope`."""

    start, end = month_bounds(year, month)
    # `at >= start` changes nothing (a follow-up comes after its case was received) but lets the
    # database read the follow-ups from the month on (`followup_at`) instead of all of them.
    return (
        FollowUp.objects.filter(
            ticket__received_at__gte=start,
            ticket__received_at__lt=end,
            ticket__lead_unit__isnull=False,
            at__gte=start,
        )
        .filter(scope_q(scope, "ticket__"))
        .exclude(ticket__status__in=EXCLUDED_STATUSES)
    )


def _responded_q(response_hours: int) -> Q:
    limit = F("dispatched_at") + dt.timedelta(hours=response_hours)
    return Q(accepted_at__isnull=False, dispatched_at__isnull=False, accepted_at__lte=limit) & (
        Q(due_at__isnull=True) | Q(accepted_at__lte=F("due_at"))
    )


def _on_time_q() -> Q:
    return Q(closed_at__isnull=False) & (Q(due_at__isnull=True) | Q(closed_at__lte=F("due_at")))


def _rated_follow_up_q(ratings_counted: bool) -> Q:
    """The follow-ups left out of 满意率 and 差评: where ratings are counted, those recorded by the
    enterprise's own rating (the rating counts, once); everywhere, those whose rating was voided
    (作废). Without the ratings app there is no such link and nothing is left out."""

    try:
        FollowUp._meta.get_field("rating")
    except FieldDoesNotExist:
        return Q(pk__in=[])
    return Q(rating__isnull=False) if ratings_counted else Q(rating__voided_at__isnull=False)


def rate(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 2) if whole else None


def unit_figures(
    year: int, month: int, response_hours: int, scope: str = definitions.DEFAULT_SCOPE
) -> tuple[dict[int, dict[str, Any]], dict[str, bool]]:
    """({unit_id: counts and rates}, {source name: available})."""
    out: dict[int, dict[str, Any]] = {}

    def row(unit_id: int) -> dict[str, Any]:
        return out.setdefault(unit_id, dict.fromkeys(COUNT_FIELDS, 0))

    cases = (
        month_cases(year, month, scope)
        .filter(lead_unit__isnull=False)
        .values("lead_unit")
        .annotate(
            total=Count("id"),
            dispatched=Count("id", filter=Q(dispatched_at__isnull=False)),
            responded=Count("id", filter=_responded_q(response_hours)),
            closed=Count("id", filter=Q(closed_at__isnull=False)),
            closed_on_time=Count("id", filter=_on_time_q()),
            repeat_count=Count("id", filter=Q(is_repeat=True)),
            overdue_count=Count("id", filter=Q(overdue_at__isnull=False)),
        )
        .order_by()
    )
    for r in cases:
        d = row(r["lead_unit"])
        for key in (
            "total",
            "dispatched",
            "responded",
            "closed",
            "closed_on_time",
            "repeat_count",
            "overdue_count",
        ):
            d[key] = r[key]
    counted = ~_rated_follow_up_q(definitions.scope(scope).ratings)
    follow_ups = (
        month_follow_ups(year, month, scope)
        .values("ticket__lead_unit")
        .annotate(
            n=Count("id"),
            resolved=Count("id", filter=Q(resolved=True)),
            rated=Count("id", filter=counted),
            satisfied=Count("id", filter=counted & Q(satisfaction__in=SATISFIED)),
            bad=Count("id", filter=counted & Q(satisfaction__in=BAD)),
        )
        .order_by()
    )
    for r in follow_ups:
        d = row(r["ticket__lead_unit"])
        d["follow_ups"], d["resolved"] = r["n"], r["resolved"]
        d["satisfied"], d["rated"], d["bad"] = r["satisfied"], r["rated"], r["bad"]
    ratings = (
        sources.ratings_figures(year, month)
        if definitions.scope(scope).ratings
        else sources.SourceResult(True, {})
    )
    rectifications: dict[int, int] = {}
    for unit_id, figures in ratings.data.items():
        d = row(int(unit_id))
        d["satisfied"] += int(figures.get("satisfied") or 0)
        d["rated"] += int(figures.get("ratings") or 0)
        d["bad"] += int(figures.get("bad") or 0)
        d["rectified"] = int(figures.get("rectified") or 0)
        rectifications[int(unit_id)] = int(figures.get("rectifications") or 0)
    for unit_id, d in out.items():
        d["response_rate"] = rate(d["responded"], d["dispatched"])
        d["on_time_rate"] = rate(d["closed_on_time"], d["closed"])
        d["resolution_rate"] = rate(d["resolved"], d["follow_ups"])
        d["satisfaction_rate"] = rate(d["satisfied"], d["rated"])
        d["rectification_rate"] = rate(d["rectified"], rectifications.get(unit_id, 0))
    return out, {"ratings": ratings.available}


def composite_score(d: dict[str, Any], weights: tuple[int, int, int]) -> float | None:
    parts = [
        (weights[0], d.get("response_rate")),
        (weights[1], d.get("resolution_rate")),
        (weights[2], d.get("satisfaction_rate")),
    ]
    used = [(w, r) for w, r in parts if r is not None and w > 0]
    total_weight = sum(w for w, _ in used)
    if not total_weight:
        return None
    return round(sum(w * r for w, r in used) / total_weight, 2)


def assign_ranks(rows: list[dict[str, Any]], min_cases: int, bottom_places: int) -> None:
    """Competition ranking (1, 2, 2, 4) by score among rows with enough cases; the last
    `bottom_places` places are marked as bottom."""
    ranked = [r for r in rows if r["score"] is not None and r["total"] >= min_cases]
    ranked.sort(key=lambda r: -r["score"])
    previous: float | None = None
    place = 0
    for index, r in enumerate(ranked, start=1):
        if r["score"] != previous:
            place = index
            previous = r["score"]
        r["rank"] = place
    for r in rows:
        r.setdefault("rank", None)
        r["is_bottom"] = False
    if ranked and bottom_places:
        threshold = len(ranked) - bottom_places
        for r in ranked:
            if r["rank"] > threshold:
                r["is_bottom"] = True


# --- drill-down: the cases behind each figure --------------------------------------------------


@dataclass(frozen=True)
class Drill:
    label: str
    condition: Callable[[int], Q]


def _follow_up_ids(condition: Q) -> Q:

    return Q(pk__in=FollowUp.objects.filter(condition).values("ticket_id"))


DRILLS: dict[str, Drill] = {
    "total": Drill("全部诉求", lambda h: Q()),
    "dispatched": Drill("已派单", lambda h: Q(dispatched_at__isnull=False)),
    "responded": Drill("及时签收", _responded_q),
    "not_responded": Drill("未及时签收", lambda h: Q(dispatched_at__isnull=False) & ~_responded_q(h)),
    "closed": Drill("已办结", lambda h: Q(closed_at__isnull=False)),
    "closed_on_time": Drill("按期办结", lambda h: _on_time_q()),
    "closed_late": Drill("超期办结", lambda h: Q(closed_at__isnull=False) & ~_on_time_q()),
    "follow_ups": Drill("有回访", lambda h: _follow_up_ids(Q())),
    "unresolved": Drill("回访未解决", lambda h: _follow_up_ids(Q(resolved=False))),
    "dissatisfied": Drill("回访不满意", lambda h: _follow_up_ids(Q(satisfaction__in=BAD))),
    "repeat": Drill("重复反映", lambda h: Q(is_repeat=True)),
    "overdue": Drill("曾超期", lambda h: Q(overdue_at__isnull=False)),
}


def drill_cases(
    year: int,
    month: int,
    unit_id: int,
    figure: str,
    response_hours: int,
    scope: str = definitions.DEFAULT_SCOPE,
) -> QuerySet[Any]:
    drill = DRILLS.get(figure)
    if drill is None:
        raise ValidationFailed("未知的指标", code="figure_invalid")
    return (
        month_cases(year, month, scope)
        .filter(lead_unit_id=unit_id)
        .filter(drill.condition(response_hours))
        .select_related("lead_unit")
        .order_by("received_at", "id")
    )


def drill_sets(
    year: int, month: int, response_hours: int, scope: str = definitions.DEFAULT_SCOPE
) -> dict[tuple[int, str], list[int]]:
    """{(unit id, drill key): case ids} for every figure of `DRILLS`, by the same definitions,
    read in two passes (the month's cases with one flag per condition, then their follow-ups)."""

    def flag(q: Q) -> ExpressionWrapper:
        return ExpressionWrapper(q, output_field=BooleanField())

    sets: dict[tuple[int, str], list[int]] = {}

    def add(unit_id: int, key: str, case_id: int) -> None:
        sets.setdefault((unit_id, key), []).append(case_id)

    rows = (
        month_cases(year, month, scope)
        .filter(lead_unit__isnull=False)
        .annotate(
            f_dispatched=flag(Q(dispatched_at__isnull=False)),
            f_responded=flag(_responded_q(response_hours)),
            f_closed=flag(Q(closed_at__isnull=False)),
            f_on_time=flag(_on_time_q()),
            f_repeat=flag(Q(is_repeat=True)),
            f_overdue=flag(Q(overdue_at__isnull=False)),
        )
        .values_list(
            "id",
            "lead_unit_id",
            "f_dispatched",
            "f_responded",
            "f_closed",
            "f_on_time",
            "f_repeat",
            "f_overdue",
        )
        .order_by()
    )
    for case_id, unit_id, dispatched, responded, closed, on_time, repeat, overdue in rows.iterator(
        chunk_size=20000
    ):
        add(unit_id, "total", case_id)
        if dispatched:
            add(unit_id, "dispatched", case_id)
            add(unit_id, "responded" if responded else "not_responded", case_id)
        if closed:
            add(unit_id, "closed", case_id)
            add(unit_id, "closed_on_time" if on_time else "closed_late", case_id)
        if repeat:
            add(unit_id, "repeat", case_id)
        if overdue:
            add(unit_id, "overdue", case_id)
    follow_ups: dict[tuple[int, str], set[int]] = {}
    for case_id, unit_id, resolved, satisfaction in (
        month_follow_ups(year, month, scope)
        .values_list("ticket_id", "ticket__lead_unit_id", "resolved", "satisfaction")
        .order_by()
        .iterator(chunk_size=20000)
    ):
        follow_ups.setdefault((unit_id, "follow_ups"), set()).add(case_id)
        if not resolved:
            follow_ups.setdefault((unit_id, "unresolved"), set()).add(case_id)
        if satisfaction in BAD:
            follow_ups.setdefault((unit_id, "dissatisfied"), set()).add(case_id)
    for key, ids in follow_ups.items():
        sets[key] = list(ids)
    return sets


def handler_figures(handler_ids: list[int], months: list[tuple[int, int]]) -> dict[int, dict[str, Any]]:
    """{handler id: figures} of the cases each person handled (`handler`) among the cases of the
    given months (`month_cases`, all channels): 办理诉求数, 办结数, 按期办结数 (the ranking's
    按期办结 rule), 曾超期数 and 按期办结率. One grouped query per month."""
    out: dict[int, dict[str, Any]] = {
        pk: {"total": 0, "closed": 0, "closed_on_time": 0, "overdue_count": 0} for pk in handler_ids
    }
    if not handler_ids:
        return out
    for y, m in months:
        rows = (
            month_cases(y, m)
            .filter(handler_id__in=handler_ids)
            .values("handler_id")
            .annotate(
                total=Count("id"),
                closed=Count("id", filter=Q(closed_at__isnull=False)),
                closed_on_time=Count("id", filter=_on_time_q()),
                overdue_count=Count("id", filter=Q(overdue_at__isnull=False)),
            )
            .order_by()
        )
        for r in rows:
            d = out[r["handler_id"]]
            for key in ("total", "closed", "closed_on_time", "overdue_count"):
                d[key] += r[key]
    for d in out.values():
        d["on_time_rate"] = rate(d["closed_on_time"], d["closed"])
    return out
