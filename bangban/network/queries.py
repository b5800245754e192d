"""Reads of the service network: the compliance matrix (R3.2 a contact a month, R4.2 an on-site
visit a quarter), coverage of key enterprises (全覆盖), verification results (核验) and lists.

The compliance matrix is one set-based statement: contacts of the quarter are aggregated per
(officer, enterprise) first, joined to the assignments current on the reference date, and summed
per officer or per region in the database. Leaders' visits do not count towards an officer's duty.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from bangban.accounts.access import scope_of
from bangban.accounts.models import User
from bangban.enterprises.models import Enterprise
from bangban.org.models import Region, RegionLevel

from .access import enterprise_scope_q, is_overseer, visible_contacts
from .models import Assignment, Contact, ContactKind, Verification
from .rules import KEY_TIERS, Quarter


@dataclass
class Period:
    quarter: Quarter
    as_of: dt.date
    # (label, required?) for each month of the quarter
    months: list[tuple[str, bool]]


def period_for(quarter: Quarter, today: dt.date | None = None) -> Period:
    today = today or timezone.localdate()
    as_of = min(today, quarter.end)
    months = [(f"{start.month}月", start <= as_of) for start, _ in quarter.months]
    return Period(quarter=quarter, as_of=as_of, months=months)


@dataclass
class Tally:
    """Compliance of a group of assignments (an officer's, a region's)."""

    enterprises: int = 0
    contacted: list[int] = field(default_factory=lambda: [0, 0, 0])  # per month, enterprises contacted
    required: list[int] = field(default_factory=lambda: [0, 0, 0])  # per month, enterprises that needed it
    visited: int = 0
    behind: int = 0

    def add(self, other: Tally) -> None:
        self.enterprises += other.enterprises
        self.visited += other.visited
        self.behind += other.behind
        for i in range(3):
            self.contacted[i] += other.contacted[i]
            self.required[i] += other.required[i]

    @property
    def up_to_date(self) -> bool:
        return self.behind == 0

    @property
    def months(self) -> list[tuple[int, int]]:
        """(contacted, required) for each month of the quarter."""
        return list(zip(self.contacted, self.required, strict=True))

    @property
    def missing_visits(self) -> int:
        return self.enterprises - self.visited


def _scope_sql(user: Any) -> tuple[str, list[Any]] | None:
    """The SQL condition (on `a`, `r`) limiting assignments to what the user may see; None: nothing."""
    if is_overseer(user):
        scope = scope_of(user)
        if scope.city_wide:
            return "", []
        if scope.region_path is not None:
            return " AND r.path LIKE %s", [scope.region_path + "%"]
    if getattr(user, "pk", None) is not None:
        return " AND a.officer_id = %s", [user.pk]
    return None


def _inner_sql(
    period: Period, condition: str, params: list[Any], officer_id: int | None = None
) -> tuple[str, list[Any]]:
    """One row per assignment current on the reference date: which months needed a contact and
    had one, and whether the quarter had an on-site visit."""
    q = period.quarter
    (m1s, m1e), (m2s, m2e), (m3s, m3e) = q.months
    as_of = period.as_of
    req = [1 if needed else 0 for _, needed in period.months]
    officer_filter = " AND officer_id = %s" if officer_id is not None else ""
    sql = f"""
        SELECT a.officer_id AS officer_id, a.enterprise_id AS enterprise_id, e.region_id AS region_id,
               CASE WHEN a.started_on <= %s THEN {req[0]} ELSE 0 END AS r1,
               CASE WHEN a.started_on <= %s THEN {req[1]} ELSE 0 END AS r2,
               CASE WHEN a.started_on <= %s THEN {req[2]} ELSE 0 END AS r3,
               COALESCE(c.c1, 0) AS c1, COALESCE(c.c2, 0) AS c2, COALESCE(c.c3, 0) AS c3,
               COALESCE(c.v, 0) AS v
        FROM network_assignment a
        JOIN enterprises_enterprise e ON e.id = a.enterprise_id
        JOIN org_region r ON r.id = e.region_id
        LEFT JOIN (
            SELECT officer_id, enterprise_id,
                   MAX(CASE WHEN contact_on <= %s THEN 1 ELSE 0 END) AS c1,
                   MAX(CASE WHEN contact_on >= %s AND contact_on <= %s THEN 1 ELSE 0 END) AS c2,
                   MAX(CASE WHEN contact_on >= %s THEN 1 ELSE 0 END) AS c3,
                   MAX(CASE WHEN kind = %s THEN 1 ELSE 0 END) AS v
            FROM network_contact
            WHERE contact_on >= %s AND contact_on <= %s AND is_leader_visit = %s{officer_filter}
            GROUP BY officer_id, enterprise_id
        ) c ON c.officer_id = a.officer_id AND c.enterprise_id = a.enterprise_id
        WHERE a.started_on <= %s AND (a.ended_on IS NULL OR a.ended_on > %s){condition}
    """
    contact_args: list[Any] = [m1e, m2s, m2e, m3s, ContactKind.VISIT, m1s, as_of, False]
    if officer_id is not None:
        # One officer's rows: aggregate only that officer's contacts.
        contact_args.append(officer_id)
    return sql, [m1e, m2e, m3e, *contact_args, as_of, as_of, *params]


_SUMS = """
    COUNT(*) AS enterprises,
    SUM(CASE WHEN r1 = 1 AND c1 = 1 THEN 1 ELSE 0 END), SUM(r1),
    SUM(CASE WHEN r2 = 1 AND c2 = 1 THEN 1 ELSE 0 END), SUM(r2),
    SUM(CASE WHEN r3 = 1 AND c3 = 1 THEN 1 ELSE 0 END), SUM(r3),
    SUM(v),
    SUM(CASE WHEN (r1 = 1 AND c1 = 0) OR (r2 = 1 AND c2 = 0) OR (r3 = 1 AND c3 = 0) OR v = 0
             THEN 1 ELSE 0 END)
"""


def _tally(row: tuple[Any, ...]) -> Tally:
    n, k1, r1, k2, r2, k3, r3, v, behind = (int(x or 0) for x in row)
    return Tally(enterprises=n, contacted=[k1, k2, k3], required=[r1, r2, r3], visited=v, behind=behind)


def _grouped(
    user: Any, period: Period, key: str, extra: str = "", extra_params: list[Any] | None = None
) -> dict[int, Tally]:
    scope = _scope_sql(user)
    if scope is None:
        return {}
    condition, params = scope
    own = None if is_overseer(user) else getattr(user, "pk", None)
    inner, args = _inner_sql(period, condition + extra, params + (extra_params or []), officer_id=own)
    sql = f"SELECT t.{key}, {_SUMS} FROM ({inner}) t GROUP BY t.{key}"
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        return {row[0]: _tally(row[1:]) for row in cursor.fetchall()}


@dataclass
class OfficerRow:
    officer: User
    tally: Tally


def compliance_by_officer(user: Any, period: Period, region: Region | None = None) -> list[OfficerRow]:
    """One row per officer with current assignments in the user's view, the furthest behind first;
    with `region` (a county or zone), counting only the enterprises there."""
    if region is None:
        tallies = _grouped(user, period, "officer_id")
    else:
        tallies = _grouped(user, period, "officer_id", " AND r.path LIKE %s", [region.path + "%"])
    officers = (
        User.objects.select_related("unit")
        .only("id", "username", "full_name", "rank", "unit__name", "unit__short_name")
        .in_bulk(list(tallies))
    )
    rows = [OfficerRow(officer=officers[pk], tally=t) for pk, t in tallies.items() if pk in officers]
    rows.sort(key=lambda r: (-r.tally.behind, r.officer.display_name))
    return rows


@dataclass
class RegionRow:
    region: Region
    tally: Tally
    officers_behind: int = 0


def _county_of(path: str, by_code: dict[str, Region]) -> Region | None:
    """The county or zone (second level) a region path belongs to."""
    parts = [p for p in path.split("/") if p]
    return by_code.get(parts[1]) if len(parts) >= 2 else by_code.get(parts[0]) if parts else None


def compliance_by_region(user: Any, period: Period) -> list[RegionRow]:
    """One row per county or zone: its enterprises' compliance, and how many of the officers
    serving them are behind — from one statement grouped by (region, officer), rolled up here."""
    scope = _scope_sql(user)
    if scope is None:
        return []
    condition, params = scope
    own = None if is_overseer(user) else getattr(user, "pk", None)
    inner, args = _inner_sql(period, condition, params, officer_id=own)
    sql = f"SELECT t.region_id, t.officer_id, {_SUMS} FROM ({inner}) t GROUP BY t.region_id, t.officer_id"
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        pairs = cursor.fetchall()
    paths = dict(Region.objects.filter(pk__in={row[0] for row in pairs}).values_list("pk", "path"))
    tops = {
        r.code: r
        for r in Region.objects.filter(level__in=[RegionLevel.COUNTY, RegionLevel.ZONE, RegionLevel.CITY])
    }
    rolled: dict[int, RegionRow] = {}
    behind: dict[int, set[int]] = defaultdict(set)
    for region_id, officer_id, *sums in pairs:
        county = _county_of(paths.get(region_id, ""), tops)
        if county is None:
            continue
        tally = _tally(tuple(sums))
        row = rolled.setdefault(county.pk, RegionRow(region=county, tally=Tally()))
        row.tally.add(tally)
        if tally.behind:
            behind[county.pk].add(officer_id)
    for pk, row in rolled.items():
        row.officers_behind = len(behind.get(pk, ()))
    return sorted(rolled.values(), key=lambda r: r.region.path)


@dataclass
class EnterpriseRow:
    enterprise: Enterprise
    officer: User
    required: list[bool]
    contacted: list[bool]
    visited: bool
    labels: list[str] = field(default_factory=list)

    @property
    def marks(self) -> list[tuple[str, bool, bool]]:
        """(month label, needed, contacted) for each month of the quarter."""
        return list(zip(self.labels, self.required, self.contacted, strict=False))

    @property
    def behind(self) -> bool:
        return not self.visited or any(
            r and not c for r, c in zip(self.required, self.contacted, strict=True)
        )


def compliance_enterprises(
    user: Any, period: Period, officer_id: int | None = None, behind_only: bool = False
) -> list[EnterpriseRow]:
    """The enterprise-level rows behind the matrix (for one officer, or all in view)."""
    scope = _scope_sql(user)
    if scope is None:
        return []
    condition, params = scope
    if officer_id is not None:
        condition += " AND a.officer_id = %s"
        params = [*params, officer_id]
    inner, args = _inner_sql(period, condition, params, officer_id=officer_id)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT officer_id, enterprise_id, r1, r2, r3, c1, c2, c3, v FROM ({inner}) t", args)
        raw = cursor.fetchall()
    enterprises = Enterprise.objects.select_related("region").in_bulk([r[1] for r in raw])
    officers = User.objects.in_bulk([r[0] for r in raw])
    rows = [
        EnterpriseRow(
            enterprise=enterprises[e],
            officer=officers[o],
            required=[bool(r1), bool(r2), bool(r3)],
            contacted=[bool(c1), bool(c2), bool(c3)],
            visited=bool(v),
            labels=[label for label, _ in period.months],
        )
        for o, e, r1, r2, r3, c1, c2, c3, v in raw
        if e in enterprises and o in officers
    ]
    if behind_only:
        rows = [r for r in rows if r.behind]
    rows.sort(key=lambda r: (not r.behind, r.enterprise.name))
    return rows


# --- coverage (全覆盖) -----------------------------------------------------------------------------


def uncovered_key_enterprises(user: Any) -> QuerySet[Enterprise]:
    """Active key enterprises (市工业百强, 县区重点) in the user's scope without a current officer."""
    scoped = enterprise_scope_q(user, prefix="")
    if scoped is None or not is_overseer(user):
        return Enterprise.objects.none()
    current = Assignment.objects.filter(enterprise=OuterRef("pk"), ended_on__isnull=True)
    return (
        Enterprise.objects.filter(scoped, tier__in=list(KEY_TIERS), is_active=True)
        .filter(~Exists(current))
        .select_related("region")
        .order_by("region__path", "name")
    )


@dataclass
class CoverageRow:
    region: Region
    key_total: int = 0
    uncovered: int = 0

    @property
    def covered(self) -> int:
        return self.key_total - self.uncovered


def coverage_by_region(user: Any) -> list[CoverageRow]:
    scoped = enterprise_scope_q(user, prefix="")
    if scoped is None or not is_overseer(user):
        return []
    current = Assignment.objects.filter(enterprise=OuterRef("pk"), ended_on__isnull=True)
    counts = (
        Enterprise.objects.filter(scoped, tier__in=list(KEY_TIERS), is_active=True)
        .annotate(has_officer=Exists(current))
        .values("region__path", "has_officer")
        .annotate(n=Count("id"))
        .order_by()
    )
    tops = {
        r.code: r
        for r in Region.objects.filter(level__in=[RegionLevel.COUNTY, RegionLevel.ZONE, RegionLevel.CITY])
    }
    rows: dict[int, CoverageRow] = {}
    for item in counts:
        county = _county_of(item["region__path"], tops)
        if county is None:
            continue
        row = rows.setdefault(county.pk, CoverageRow(region=county))
        row.key_total += item["n"]
        if not item["has_officer"]:
            row.uncovered += item["n"]
    return sorted(rows.values(), key=lambda r: r.region.path)


# --- verification results (核验, R4.3) ---------------------------------------------------------------------


@dataclass
class VerificationRow:
    region: Region
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def confirmed_rate(self) -> str:
        decided = self.counts.get(Verification.CONFIRMED, 0) + self.counts.get(Verification.DISPUTED, 0)
        if not decided:
            return "—"
        return f"{self.counts.get(Verification.CONFIRMED, 0) * 100 / decided:.0f}%"


def visits_in(user: Any, quarter: Quarter) -> QuerySet[Contact]:

    return visible_contacts(user).filter(
        kind=ContactKind.VISIT, contact_on__gte=quarter.start, contact_on__lte=quarter.end
    )


def verification_by_region(user: Any, quarter: Quarter) -> list[VerificationRow]:
    counts = (
        visits_in(user, quarter)
        .values("enterprise__region__path", "verification")
        .annotate(n=Count("id"))
        .order_by()
    )
    tops = {
        r.code: r
        for r in Region.objects.filter(level__in=[RegionLevel.COUNTY, RegionLevel.ZONE, RegionLevel.CITY])
    }
    rows: dict[int, VerificationRow] = {}
    for item in counts:
        county = _county_of(item["enterprise__region__path"], tops)
        if county is None:
            continue
        row = rows.setdefault(county.pk, VerificationRow(region=county))
        row.counts[item["verification"]] = row.counts.get(item["verification"], 0) + item["n"]
    return sorted(rows.values(), key=lambda r: r.region.path)


def contact_list(user: Any, params: dict[str, str]) -> QuerySet[Contact]:

    qs = visible_contacts(user).select_related("officer", "enterprise", "ticket").prefetch_related("photos")
    kind = params.get("kind", "")
    if kind in ContactKind.values:
        qs = qs.filter(kind=kind)
    verification = params.get("verification", "")
    if verification in Verification.values:
        qs = qs.filter(verification=verification)
    if params.get("leader") == "1":
        qs = qs.filter(is_leader_visit=True)
    text = (params.get("q") or "").strip()
    if text:
        qs = qs.filter(Q(enterprise__name__icontains=text) | Q(officer__full_name__icontains=text))
    enterprise = params.get("enterprise", "")
    if enterprise.isdigit():
        qs = qs.filter(enterprise_id=int(enterprise))
    return qs.order_by("-contact_on", "-id")


def officers_with_gaps(period: Period) -> dict[int, tuple[int, int]]:
    """Every officer with a gap in the current month or the quarter's visit, city-wide:
    officer id → (enterprises not contacted this month, enterprises not visited this quarter)."""
    month_index = next((i for i, (s, e) in enumerate(period.quarter.months) if s <= period.as_of <= e), 2)
    inner, args = _inner_sql(period, "", [])
    sql = f"""
        SELECT t.officer_id,
               SUM(CASE WHEN t.r{month_index + 1} = 1 AND t.c{month_index + 1} = 0 THEN 1 ELSE 0 END),
               SUM(CASE WHEN t.v = 0 THEN 1 ELSE 0 END)
        FROM ({inner}) t GROUP BY t.officer_id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        return {row[0]: (int(row[1] or 0), int(row[2] or 0)) for row in cursor.fetchall() if row[1] or row[2]}


def county_regions() -> dict[str, Region]:
    """The city, counties and zones by code (the areas the matrix rolls up to)."""
    return {
        r.code: r
        for r in Region.objects.filter(level__in=[RegionLevel.COUNTY, RegionLevel.ZONE, RegionLevel.CITY])
    }


def gaps_by_area(period: Period) -> dict[int, dict[int, tuple[int, int]]]:
    """The officers behind in each county or zone, city-wide: county/zone region id → officer id →
    (enterprises there not contacted this month, enterprises there not visited this quarter).
    One statement grouped by (region, officer), rolled up to the county or zone here."""
    month_index = next((i for i, (s, e) in enumerate(period.quarter.months) if s <= period.as_of <= e), 2)
    inner, args = _inner_sql(period, "", [])
    sql = f"""
        SELECT t.region_id, t.officer_id,
               SUM(CASE WHEN t.r{month_index + 1} = 1 AND t.c{month_index + 1} = 0 THEN 1 ELSE 0 END),
               SUM(CASE WHEN t.v = 0 THEN 1 ELSE 0 END)
        FROM ({inner}) t GROUP BY t.region_id, t.officer_id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        pairs = [row for row in cursor.fetchall() if row[2] or row[3]]
    paths = dict(Region.objects.filter(pk__in={row[0] for row in pairs}).values_list("pk", "path"))
    tops = county_regions()
    areas: dict[int, dict[int, tuple[int, int]]] = defaultdict(dict)
    for region_id, officer_id, contacts, visits in pairs:
        county = _county_of(paths.get(region_id, ""), tops)
        if county is None:
            continue
        before = areas[county.pk].get(officer_id, (0, 0))
        areas[county.pk][officer_id] = (before[0] + int(contacts or 0), before[1] + int(visits or 0))
    return dict(areas)
