"""What the inspection pages and the API read: the pool a draw reads (from the registers), lists
with filters, the publication due date of a visit's result, and the task numbers conduct's entry
register can check against."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Mapping
from typing import Any

from django.db import connections
from django.db.models import Count, Q, QuerySet

try:
    import psycopg
except ImportError:  # pragma: no cover - SQLite-only installations
    psycopg = None  # type: ignore[assignment]

from bangban.accounts.models import User
from bangban.accounts.roles import Role
from bangban.core.errors import ValidationFailed
from bangban.enterprises.models import Enterprise
from bangban.workdays.service import due

from .access import duty_visit_ids, visible_plans
from .draw import TIER_ORDER, Pool
from .models import (
    DEFAULT_TIER,
    CreditRating,
    Link,
    Plan,
    PlanStatus,
    Publication,
    Qualification,
    Result,
    Visit,
    VisitQuerySet,
)

# Results are published within this many working days of the visit (R9.1).
PUBLISH_WITHIN_WORKDAYS = 20


def target_ids(plan: Plan) -> list[int]:
    """The plan's targets: the active enterprises of the registry in its region and industry,
    ascending."""
    qs = Enterprise.objects.filter(is_active=True)
    if plan.region_id is not None:
        qs = qs.filter(region__path__startswith=plan.region.path)  # type: ignore[union-attr]
    if plan.industry:
        qs = qs.filter(industry=plan.industry)
    return _id_list(qs.order_by("pk").values_list("pk"))


def tiers_by_enterprise() -> dict[int, str]:
    """The tiers that differ from the default (B): a fraction of the registry, read at once."""
    return dict(
        _plain_rows(CreditRating.objects.exclude(tier=DEFAULT_TIER).values_list("enterprise_id", "tier"))
    )


def _plain_rows(qs: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """A `values_list` queryset's rows fetched as plain tuples: for the hundreds of thousands of
    rows of a draw, the queryset's per-row iteration costs more than the query itself."""
    sql, params = qs.query.sql_with_params()
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _id_list(qs: QuerySet[Any]) -> list[int]:
    """The one column of a `values_list` queryset as a list. On PostgreSQL the ids travel as one
    array in binary (`SELECT ARRAY(…)`): half a million ids without half a million row tuples."""
    connection = connections[qs.db]
    if connection.vendor != "postgresql":
        return [row[0] for row in _plain_rows(qs)]
    sql, params = qs.query.sql_with_params()
    connection.ensure_connection()
    # Django's cursor binds on the client and reads text; this one sends the parameters to the
    # server and reads the array in binary.
    with psycopg.Cursor(connection.connection) as raw:
        raw.execute(f"SELECT ARRAY({sql})", params, binary=True)
        row = raw.fetchone()
    return list(row[0]) if row and row[0] is not None else []


def split_by_tier(ids: list[int], tiers: Mapping[int, str]) -> dict[str, list[int]]:
    """Tier → the targets of that tier, each list ascending (`ids` is ascending)."""
    default = str(DEFAULT_TIER)
    out: dict[str, list[int]] = {t: [] for t in TIER_ORDER}
    targets = set(ids)
    other = set()
    for pk, tier in tiers.items():
        if tier != default and pk in targets:
            out[tier].append(pk)
            other.add(pk)
    for tier_ids in out.values():
        tier_ids.sort()
    out[default] = [pk for pk in ids if pk not in other] if other else list(ids)
    return out


def qualified_inspectors(unit_ids: list[int]) -> dict[int, list[int]]:
    """Per unit: its active users with the inspector role and a 执法证 on record."""
    rows = (
        User.objects.filter(
            is_active=True,
            unit_id__in=unit_ids,
            roles__code=Role.INSPECTOR,
            pk__in=Qualification.objects.values("inspector_id"),
        )
        .order_by("pk")
        .values_list("unit_id", "pk")
        .distinct()
    )
    out: dict[int, list[int]] = {u: [] for u in unit_ids}
    for unit, pk in rows:
        out[unit].append(pk)
    return out


def recusal_links(inspector_ids: list[int]) -> list[tuple[int, int]]:
    """(enterprise, inspector) pairs: the declared links, and an inspector's own enterprise account."""
    declared = Link.objects.filter(inspector_id__in=inspector_ids).values_list(
        "enterprise_id", "inspector_id"
    )
    own = User.objects.filter(pk__in=inspector_ids, enterprise_id__isnull=False).values_list(
        "enterprise_id", "pk"
    )
    return sorted(set(_plain_rows(declared)) | set(_plain_rows(own)))


def build_pool(plan: Plan) -> Pool:
    units = sorted(plan.plan_units.values_list("unit_id", flat=True))
    inspectors = qualified_inspectors(units)
    every = [pk for ids in inspectors.values() for pk in ids]
    return Pool(
        targets=split_by_tier(target_ids(plan), tiers_by_enterprise()),
        inspectors=inspectors,
        links=recusal_links(every),
    )


def linked_enterprises(user: Any) -> list[int]:
    ids = set(Link.objects.filter(inspector_id=user.pk).values_list("enterprise_id", flat=True))
    if getattr(user, "enterprise_id", None) is not None:
        ids.add(user.enterprise_id)
    return sorted(ids)


def linked_targets(pool: Pool, enterprise_ids: list[int]) -> list[int]:
    """Which of `enterprise_ids` are targets of the pool (its tier lists are sorted)."""
    found = []
    for tier_ids in pool.targets.values():
        for pk in enterprise_ids:
            at = bisect_left(tier_ids, pk)
            if at < len(tier_ids) and tier_ids[at] == pk:
                found.append(pk)
    return sorted(found)


def ratios_of(plan: Plan) -> dict[str, int]:
    """Tier → hundredths of a percent."""
    return {t: round(v * 100) for t, v in plan.ratios().items()}


# --- lists ---------------------------------------------------------------------------------------


def plan_list(user: Any, params: Mapping[str, Any]) -> QuerySet[Plan]:
    qs = visible_plans(user).select_related("lead_unit").annotate(visit_count=Count("visits", distinct=True))
    status = str(params.get("status") or "").strip()
    if status:
        if status not in PlanStatus.values:
            raise ValidationFailed("计划状态无效", code="invalid_status", details={"field": "status"})
        qs = qs.filter(status=status)
    q = str(params.get("q") or "").strip()[:50]
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(number__icontains=q) | Q(lead_unit__name__icontains=q))
    return qs.order_by("-created_at", "-pk")


def visit_list(qs: VisitQuerySet, params: Mapping[str, Any]) -> VisitQuerySet:
    result = str(params.get("result") or "").strip()
    if result:
        if result not in Result.values:
            raise ValidationFailed("检查结果无效", code="invalid_result", details={"field": "result"})
        qs = qs.filter(result=result)
    state = str(params.get("state") or "").strip()
    if state:
        if state not in Publication.values:
            raise ValidationFailed("公开状态无效", code="invalid_state", details={"field": "state"})
        qs = qs.filter(state=state)
    q = str(params.get("q") or "").strip()[:50]
    if q:
        qs = qs.filter(Q(enterprise__name__icontains=q) | Q(task_number__icontains=q))
    return qs.select_related("enterprise", "plan").with_teams()


def plan_visits(plan: Plan, params: Mapping[str, Any]) -> QuerySet[Visit]:
    return visit_list(Visit.objects.filter(plan=plan), params).order_by("task_number")


def my_visits(user: Any, params: Mapping[str, Any]) -> QuerySet[Visit]:
    qs = Visit.objects.filter(pk__in=duty_visit_ids(user)).exclude(plan__status=PlanStatus.DRAFT)
    return visit_list(qs, params).order_by("state", "plan__ends_on", "task_number")


def public_plans() -> QuerySet[Plan]:
    return (
        Plan.objects.filter(status__in=[PlanStatus.ANNOUNCED, PlanStatus.CLOSED])
        .select_related("lead_unit")
        .annotate(visit_count=Count("visits"))
        .order_by("-announced_at", "-pk")
    )


def public_results(params: Mapping[str, Any]) -> QuerySet[Visit]:
    qs = Visit.objects.filter(state=Publication.PUBLISHED)
    return visit_list(qs, params).order_by("-published_at", "task_number")


def tier_counts(plan: Plan) -> dict[str, int]:
    return dict(plan.visits.values_list("tier").annotate(n=Count("pk")).order_by())


# --- dates ---------------------------------------------------------------------------------------


def publish_due(visit: Visit) -> dt.date:
    """The last day to publish a visit's result: 20 working days after the visit (or, before the
    result is recorded, after the plan's last day)."""
    start = visit.visited_on or visit.plan.ends_on
    return due(start, PUBLISH_WITHIN_WORKDAYS).date


def is_overdue(visit: Visit, today: dt.date) -> bool:
    return visit.state != Publication.PUBLISHED and today > publish_due(visit)


# --- for other apps ------------------------------------------------------------------------------


def announced_tasks() -> QuerySet[Visit]:
    """The joint visits of plans whose draw is announced (公示) or closed: the task numbers an
    inspection entry may cite. Conduct's flags match entries against it in one statement."""
    return Visit.objects.filter(plan__status__in=[PlanStatus.ANNOUNCED, PlanStatus.CLOSED])


def task_number_exists(number: str, enterprise_id: int, on: dt.date | None = None) -> bool:
    """Whether `number` is the task of a drawn (and announced) plan for that enterprise — and, given
    `on`, whether the plan's period covers that day. For conduct's entry register."""
    qs = announced_tasks().filter(task_number=(number or "").strip(), enterprise_id=enterprise_id)
    if on is not None:
        qs = qs.filter(plan__starts_on__lte=on, plan__ends_on__gte=on)
    return qs.exists()
