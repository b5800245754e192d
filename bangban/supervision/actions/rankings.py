"""Monthly rankings (R14/R15): computed rows, the stored draft, the frozen snapshot with the
cases behind every figure, and the view pages and the API show."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.utils import timezone

from bangban.audit.actions import record
from bangban.core import kit
from bangban.core.errors import InvalidTransition, ValidationFailed
from bangban.core.kit import durable_action
from bangban.org.models import Unit
from bangban.tickets.public import cases_in

from .. import access, definitions, figures, idsets, sources, workflow
from ..models import DashboardMonth, FrozenCaseSet, Ranking, RankingRow, RankingStatus
from ._common import _check_month, _positive
from .accountability import propose_bottom_interviews, propose_officer_interviews
from .parameters import current_settings, validate_weights

FROZEN_MESSAGE = "该月排名已冻结为快照，不能重新计算或修改"


def compute_rows(
    year: int,
    month: int,
    weights: tuple[int, int, int],
    min_cases: int,
    response_hours: int,
    bottom_places: int,
    scope: str = definitions.DEFAULT_SCOPE,
) -> tuple[list[dict[str, Any]], dict[str, bool]]:
    """The month's rows (dicts) in `scope` computed from the data now, ranked; nothing is stored."""

    data, available = figures.unit_figures(year, month, response_hours, scope)
    units = {
        u.pk: u
        for u in Unit.objects.filter(pk__in=list(data)).select_related("region").only("name", "region__path")
    }
    rows = []
    for unit_id, d in data.items():
        unit = units.get(unit_id)
        if unit is None:
            continue
        row = {
            "unit_id": unit_id,
            "unit_name": unit.name,
            "region_path": unit.region.path,
            "scope": scope,
            **d,
        }
        row["score"] = figures.composite_score(d, weights)
        rows.append(row)
    figures.assign_ranks(rows, min_cases, bottom_places)
    rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, -r["total"], r["unit_name"]))
    return rows, available


def all_scope_rows(
    year: int,
    month: int,
    weights: tuple[int, int, int],
    min_cases: int,
    response_hours: int,
    bottom_places: int,
) -> tuple[list[dict[str, Any]], dict[str, bool]]:
    """The rows of every scope (`definitions.SCOPES`), as stored with a ranking."""
    rows: list[dict[str, Any]] = []
    available: dict[str, bool] = {}
    for key in definitions.SCOPES:
        scoped, found = compute_rows(year, month, weights, min_cases, response_hours, bottom_places, key)
        rows += scoped
        if key == definitions.DEFAULT_SCOPE:
            available = found
    return rows, available


def row_dicts(
    ranking: Ranking, user: Any = None, scope: str = definitions.DEFAULT_SCOPE
) -> list[dict[str, Any]]:
    qs = ranking.rows.filter(scope=scope)
    if user is not None:
        qs = qs.filter(access.unit_q(user, "region_path"))
    fields = ["unit_id", "unit_name", "region_path", *figures.COUNT_FIELDS, *figures.RATE_FIELDS]
    return [
        {
            **{f: getattr(r, f) for f in fields},
            "scope": r.scope,
            "score": r.score,
            "rank": r.rank,
            "is_bottom": r.is_bottom,
        }
        for r in qs.order_by("rank", "-total", "unit_name")
    ]


def ranking_view(user: Any, year: int, month: int, scope: Any = None) -> dict[str, Any]:
    """A month's ranking as pages, the API and exports show it, within the reader's scope: the
    stored ranking (draft or frozen) with the rules it was computed with, or — when none is
    stored — a preview computed now under the current settings. `rules` is the text of
    `definitions.rule_lines` for exactly those rules."""
    figures.month_bounds(year, month)
    scope = figures.check_scope(scope)
    ranking = Ranking.objects.filter(year=year, month=month).first()
    if ranking is not None:
        weights = (ranking.weight_response, ranking.weight_resolution, ranking.weight_satisfaction)
        min_cases, hours, bottom = ranking.min_cases, ranking.response_hours, ranking.bottom_places
        rows, available, status = row_dicts(ranking, user, scope), dict(ranking.sources), ranking.status
    else:
        # The preview kept with the month's dashboard summary (rebuilt every ten minutes while the
        # month still changes), or — for a month without one — computed now.
        summary = DashboardMonth.objects.filter(year=year, month=month, computed_at__isnull=False).first()
        cached = summary.figures if summary is not None else {}
        if cached.get("scopes", {}).get(scope) is not None and summary is not None:
            office = cached.get("office") or {}
            rules = cached["rules"]
            weights = tuple(rules["weights"])  # type: ignore[assignment]
            min_cases, hours, bottom = rules["min_cases"], rules["response_hours"], rules["bottom_places"]
            rows, available, as_of = (
                list(cached["scopes"][scope]),
                dict(cached["sources"]),
                summary.computed_at,
            )
        else:
            cfg = current_settings()
            weights = (cfg.weight_response, cfg.weight_resolution, cfg.weight_satisfaction)
            min_cases, hours, bottom = cfg.min_cases, cfg.response_hours, cfg.bottom_places
            rows, available = compute_rows(year, month, weights, min_cases, hours, bottom, scope)
            as_of = timezone.now()
            office = sources.dispatch_figures(year, month, as_of).data
        path = access.region_path(user)
        if path is not None:
            rows = [r for r in rows if r["region_path"].startswith(path)]
        status = "preview"
    if ranking is not None:
        as_of = ranking.frozen_at or ranking.computed_at
        office = ranking.office_figures
    officers = ranking.officer_figures if ranking is not None else {}
    if not officers:  # a preview, or a ranking stored before the officer figures were kept
        officers = sources.officer_figures(year, month).data
    return {
        "officers": scoped_officer_figures(user, officers),
        "office": office,
        "office_rule": f"{definitions.DISPATCH_ON_TIME.label}：{definitions.DISPATCH_ON_TIME.rule}。",
        "as_of": as_of,
        "year": year,
        "month": month,
        "ranking": ranking,
        "status": status,
        "version": ranking.version if ranking is not None else 0,
        "scope": scope,
        "scope_label": definitions.scope(scope).label,
        "weights": list(weights),
        "min_cases": min_cases,
        "response_hours": hours,
        "bottom_places": bottom,
        "formula": definitions.score_formula(weights),
        "rules": definitions.rule_lines(
            scope_key=scope, weights=weights, min_cases=min_cases, response_hours=hours, bottom_places=bottom
        ),
        "sources": available,
        "rows": rows,
    }


@durable_action
def do_compute_ranking(
    user: Any,
    year: int,
    month: int,
    *,
    weights: tuple[Any, Any, Any] | None = None,
    min_cases: Any = None,
    version: Any = None,
) -> Ranking:
    """Compute (or recompute) the month's draft ranking; a frozen ranking is refused."""
    access.require_manager(user)
    year, month = _check_month(year, month)
    cfg = current_settings()
    w = validate_weights(*weights) if weights is not None else (
        cfg.weight_response, cfg.weight_resolution, cfg.weight_satisfaction,
    )  # fmt: skip
    minimum = cfg.min_cases if min_cases in (None, "") else _positive(min_cases, "最少诉求数", 0, 100000)
    ranking = Ranking.objects.select_for_update().filter(year=year, month=month).first()
    if ranking is not None:
        kit.check_version(ranking, version)
        workflow.RANKING.check(ranking.status, "compute", message=FROZEN_MESSAGE, code="ranking_frozen")
    rows, available = all_scope_rows(year, month, w, minimum, cfg.response_hours, cfg.bottom_places)
    now = timezone.now()
    before = None
    if ranking is None:
        ranking = Ranking(year=year, month=month)
    else:
        before = {
            "weights": [ranking.weight_response, ranking.weight_resolution, ranking.weight_satisfaction]
        }
    ranking.weight_response, ranking.weight_resolution, ranking.weight_satisfaction = w
    ranking.min_cases = minimum
    ranking.response_hours = cfg.response_hours
    ranking.bottom_places = cfg.bottom_places
    ranking.sources = available
    ranking.office_figures = sources.dispatch_figures(year, month, now).data
    ranking.officer_figures = sources.officer_figures(year, month).data
    ranking.computed_at = now
    if ranking.pk is None:
        ranking.save()
    else:
        kit.save_change(ranking, [
            "weight_response", "weight_resolution", "weight_satisfaction", "min_cases", "response_hours",
            "bottom_places", "sources", "office_figures", "officer_figures", "computed_at",
        ])  # fmt: skip
    _store_rows(ranking, rows)
    record(
        "supervision.ranking_compute",
        actor=user,
        obj=ranking,
        object_repr=str(ranking),
        before=before,
        after={
            "weights": list(w),
            "min_cases": minimum,
            "bottom_places": cfg.bottom_places,
            "units": len([r for r in rows if r["scope"] == definitions.DEFAULT_SCOPE]),
        },
    )
    return ranking


def _store_rows(ranking: Ranking, rows: list[dict[str, Any]]) -> None:
    ranking.rows.all().delete()
    fields = ["unit_id", "unit_name", "region_path", *figures.COUNT_FIELDS, *figures.RATE_FIELDS]
    RankingRow.objects.bulk_create(
        [
            RankingRow(
                ranking=ranking,
                scope=r["scope"],
                score=r["score"],
                rank=r["rank"],
                is_bottom=r["is_bottom"],
                **{f: r[f] for f in fields},
            )
            for r in rows
        ],
        batch_size=500,
    )


def freeze_case_sets(ranking: Ranking) -> int:
    """Store, for every unit of the ranking and every drill-down figure, the ids of the cases it
    counted (compressed); returns the number of case ids stored. Called inside the freeze."""
    ranking.case_sets.all().delete()
    counted = 0
    for scope in definitions.SCOPES:
        sets = figures.drill_sets(ranking.year, ranking.month, ranking.response_hours, scope)
        units = set(ranking.rows.filter(scope=scope).values_list("unit_id", flat=True))
        FrozenCaseSet.objects.bulk_create(
            [
                FrozenCaseSet(
                    ranking=ranking,
                    scope=scope,
                    unit_id=unit_id,
                    figure=key,
                    count=len(ids),
                    ids=idsets.encode(ids),
                )
                for (unit_id, key), ids in sorted(sets.items())
                if unit_id in units and ids
            ],
            batch_size=500,
        )
        if scope == definitions.DEFAULT_SCOPE:
            counted = sum(len(ids) for (u, key), ids in sets.items() if key == "total" and u in units)
    return counted


def frozen_case_ids(
    ranking: Ranking, unit_id: int | None, figure: str, scope: str = definitions.DEFAULT_SCOPE
) -> list[int] | None:
    """The case ids behind a figure of a frozen ranking, or None when the ranking has no frozen
    case lists (a draft, or frozen before they were kept): read the current data then."""
    if ranking.status != RankingStatus.FROZEN or not ranking.cases_frozen:
        return None
    if figure not in figures.DRILLS:
        raise ValidationFailed("未知的指标", code="figure_invalid")
    sets = ranking.case_sets.filter(scope=scope, figure=figure)
    if unit_id is None:  # every unit's
        return sorted(i for data in sets.values_list("ids", flat=True) for i in idsets.decode(data))
    data = sets.filter(unit_id=unit_id).values_list("ids", flat=True).first()
    return idsets.decode(data) if data is not None else []


def drill_queryset(
    year: int, month: int, unit_id: int, figure: str, scope: str = definitions.DEFAULT_SCOPE
) -> tuple[Any, bool]:
    """(the cases behind a unit's figure, whether they come from the frozen snapshot)."""

    if figure not in figures.DRILLS:
        raise ValidationFailed("未知的指标", code="figure_invalid")
    ranking = Ranking.objects.filter(year=year, month=month).first()
    ids = frozen_case_ids(ranking, unit_id, figure, scope) if ranking is not None else None
    if ids is not None:
        qs = cases_in(ids).select_related("lead_unit").order_by("received_at", "id")
        return qs, True
    hours = ranking.response_hours if ranking is not None else current_settings().response_hours
    return figures.drill_cases(year, month, unit_id, figure, hours, scope), False


@durable_action
def do_freeze_ranking(
    user: Any, year: int, month: int, *, version: Any = None, now: dt.datetime | None = None
) -> Ranking:
    """Freeze a closed month's ranking as an immutable snapshot (computed first if needed), then
    apply the bottom-place rule (自动提议约谈)."""
    access.require_manager(user)
    year, month = _check_month(year, month)
    now = now or timezone.now()
    _, end = figures.month_bounds(year, month)
    if now < end:
        raise ValidationFailed("该月尚未结束，不能冻结排名", code="month_not_closed")
    existing = Ranking.objects.filter(year=year, month=month).first()
    if existing is not None and existing.status == RankingStatus.FROZEN:
        raise InvalidTransition(FROZEN_MESSAGE, code="ranking_frozen")
    if existing is None:
        do_compute_ranking.inner(user, year, month)
    ranking = Ranking.objects.select_for_update().get(year=year, month=month)
    kit.check_version(ranking, version)
    frozen = workflow.RANKING.check(ranking.status, "freeze", message=FROZEN_MESSAGE, code="ranking_frozen")
    # The figures and the cases behind them are taken at the same moment: the draft's rows
    # are recomputed with its own weights and minimum, then every figure's cases are kept.
    weights = (ranking.weight_response, ranking.weight_resolution, ranking.weight_satisfaction)
    rows, available = all_scope_rows(
        year, month, weights, ranking.min_cases, ranking.response_hours, ranking.bottom_places
    )
    _store_rows(ranking, rows)
    cases = freeze_case_sets(ranking)
    ranking.sources = available
    ranking.office_figures = sources.dispatch_figures(year, month, now).data
    ranking.officer_figures = sources.officer_figures(year, month).data
    ranking.computed_at = now
    ranking.status = frozen
    ranking.frozen_at = now
    ranking.frozen_by = user
    ranking.cases_frozen = True
    kit.save_change(ranking, [
        "status", "frozen_at", "frozen_by", "cases_frozen", "sources", "office_figures", "officer_figures",
        "computed_at",
    ])  # fmt: skip
    record(
        "supervision.ranking_freeze",
        actor=user,
        obj=ranking,
        object_repr=str(ranking),
        before={"status": RankingStatus.DRAFT},
        after={
            "status": RankingStatus.FROZEN,
            "units": len([r for r in rows if r["scope"] == definitions.DEFAULT_SCOPE]),
            "cases": cases,
        },
    )
    propose_bottom_interviews(ranking, actor=user)
    propose_officer_interviews(ranking, actor=user)
    return ranking


def scoped_officer_figures(user: Any, officers: dict[str, Any]) -> dict[str, Any]:
    """The officer figures as the reader may see them: the units (and officers far behind) of the
    reader's scope; the totals and places stay the city's."""
    if not officers or user is None or access.region_path(user) is None:
        return officers
    allowed = set(Unit.objects.filter(access.unit_q(user, "region__path")).values_list("pk", flat=True))
    return {
        **officers,
        "units": [u for u in officers.get("units", []) if u.get("unit_id") in allowed],
        "far_behind": [o for o in officers.get("far_behind", []) if o.get("unit_id") in allowed],
    }


def scoped_tickets_q(user: Any) -> Q:
    return access.unit_q(user, "lead_unit__region__path")
