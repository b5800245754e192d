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
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from bangban.accounts.access import scope_of
from bangban.accounts.models import User
from bangban.enterprises.models import Enterprise
from bangban.org.models import Region, RegionLevel

from .access import is_overseer, visible_contacts
from .models import Contact, ContactKind, Verification
from .rules import Quarter


@dataclass
class Period:
    """A quarter seen on a given day: the months that have begun (`months`: label, begun?), and
    which of them have ended (`closed`). Only an ended month can be missed; the month in progress
    is shown but is not "behind" before it ends, and the quarter's visit is missed only once the
    quarter has ended."""

    quarter: Quarter
    as_of: dt.date
    # (label, begun?) for each month of the quarter
    months: list[tuple[str, bool]]
    closed: list[bool] = field(default_factory=lambda: [True, True, True])

    @property
    def quarter_closed(self) -> bool:
        return self.closed[-1]


def period_for(quarter: Quarter, now: dt.date | dt.datetime | None = None) -> Period:
    """`quarter` as seen on `now` (a date, or an aware datetime read in the local time zone;
    default today): a past quarter is seen at its end with every month closed."""
    if isinstance(now, dt.datetime):
        today = timezone.localtime(now).date() if timezone.is_aware(now) else now.date()
    else:
        today = now or timezone.localdate()
    as_of = min(today, quarter.end)
    months = [(f"{start.month}月", start <= as_of) for start, _ in quarter.months]
    closed = [end < today for _, end in quarter.months]
    return Period(quarter=quarter, as_of=as_of, months=months, closed=closed)


@dataclass
class Tally:
    """Compliance of a group of assignments (an officer's, a region's)."""

    enterprises: int = 0
    contacted: list[int] = field(default_factory=lambda: [0, 0, 0])  # per month, enterprises contacted
    required: list[int] = field(default_factory=lambda: [0, 0, 0])  # per month, enterprises that needed it
    visited: int = 0  # enterprises owing the quarter's visit that had it
    behind: int = 0
    visit_required: int = 0  # enterprises owing the quarter's visit (served at the reference date)

    def add(self, other: Tally) -> None:
        self.enterprises += other.enterprises
        self.visited += other.visited
        self.behind += other.behind
        self.visit_required += other.visit_required
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
        return self.visit_required - self.visited


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
    period: Period,
    condition: str,
    params: list[Any],
    officer_id: int | None = None,
    current_only: bool = False,
) -> tuple[str, list[Any]]:
    """One row per (officer, enterprise) served at some time in the quarter up to the reference
    date (`current_only`: served on the reference date): which months needed a contact and had one
    (`r1..r3`, `c1..c3`), whether the quarter's visit is owed (`vr`: served on the reference date)
    and whether there was one (`v`).

    An assignment's days run from `started_on` to the day before `ended_on` (on `ended_on` the
    successor serves); a month needs a contact from every assignment that served at least one day
    of it, so an assignment ended mid-quarter keeps the months it served, missed or not."""
    q = period.quarter
    (m1s, m1e), (m2s, m2e), (m3s, m3e) = q.months
    as_of = period.as_of
    req = [1 if begun else 0 for _, begun in period.months]
    officer_filter = " AND officer_id = %s" if officer_id is not None else ""
    served = "(a.ended_on IS NULL OR a.ended_on > %s)"
    sql = f"""
        SELECT a.officer_id AS officer_id, a.enterprise_id AS enterprise_id, e.region_id AS region_id,
               MAX(CASE WHEN a.started_on <= %s AND {served} THEN {req[0]} ELSE 0 END) AS r1,
               MAX(CASE WHEN a.started_on <= %s AND {served} THEN {req[1]} ELSE 0 END) AS r2,
               MAX(CASE WHEN a.started_on <= %s AND {served} THEN {req[2]} ELSE 0 END) AS r3,
               MAX(CASE WHEN {served} THEN 1 ELSE 0 END) AS vr,
               MAX(COALESCE(c.c1, 0)) AS c1, MAX(COALESCE(c.c2, 0)) AS c2, MAX(COALESCE(c.c3, 0)) AS c3,
               MAX(COALESCE(c.v, 0)) AS v
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
        WHERE a.started_on <= %s AND {served}
              AND (a.ended_on IS NULL OR a.ended_on > a.started_on){condition}
        GROUP BY a.officer_id, a.enterprise_id, e.region_id
    """
    contact_args: list[Any] = [m1e, m2s, m2e, m3s, ContactKind.VISIT, m1s, as_of, False]
    if officer_id is not None:
        # One officer's rows: aggregate only that officer's contacts.
        contact_args.append(officer_id)
    since = as_of if current_only else q.start
    return sql, [m1e, m1s, m2e, m2s, m3e, m3s, as_of, *contact_args, as_of, since, *params]


def _sums(period: Period) -> str:
    """The per-group sums of `_inner_sql` rows: enterprises, (contacted, needed) per month, the
    visits owed and had, and the enterprises behind — a month only once it has ended, the visit
    only once the quarter has ended."""
    k = [1 if closed else 0 for closed in period.closed]
    return f"""
    COUNT(*) AS enterprises,
    SUM(CASE WHEN r1 = 1 AND c1 = 1 THEN 1 ELSE 0 END), SUM(r1),
    SUM(CASE WHEN r2 = 1 AND c2 = 1 THEN 1 ELSE 0 END), SUM(r2),
    SUM(CASE WHEN r3 = 1 AND c3 = 1 THEN 1 ELSE 0 END), SUM(r3),
    SUM(CASE WHEN vr = 1 AND v = 1 THEN 1 ELSE 0 END),
    SUM(CASE WHEN (r1 = 1 AND c1 = 0 AND {k[0]} = 1) OR (r2 = 1 AND c2 = 0 AND {k[1]} = 1)
                  OR (r3 = 1 AND c3 = 0 AND {k[2]} = 1) OR (vr = 1 AND v = 0 AND {k[2]} = 1)
             THEN 1 ELSE 0 END),
    SUM(vr)
"""


def _tally(row: tuple[Any, ...]) -> Tally:
    n, k1, r1, k2, r2, k3, r3, v, behind, vr = (int(x or 0) for x in row)
    return Tally(
        enterprises=n,
        contacted=[k1, k2, k3],
        required=[r1, r2, r3],
        visited=v,
        behind=behind,
        visit_required=vr,
    )


def _grouped(
    user: Any, period: Period, key: str, extra: str = "", extra_params: list[Any] | None = None
) -> dict[int, Tally]:
    scope = _scope_sql(user)
    if scope is None:
        return {}
    condition, params = scope
    own = None if is_overseer(user) else getattr(user, "pk", None)
    inner, args = _inner_sql(period, condition + extra, params + (extra_params or []), officer_id=own)
    sql = f"SELECT t.{key}, {_sums(period)} FROM ({inner}) t GROUP BY t.{key}"
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
    sql = f"SELECT t.region_id, t.officer_id, {_sums(period)} FROM ({inner}) t GROUP BY t.region_id, t.officer_id"
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
    closed: list[bool] = field(default_factory=lambda: [True, True, True])
    visit_due: bool = True  # the assignment owes the quarter's visit (served on the reference date)

    @property
    def marks(self) -> list[tuple[str, bool, bool]]:
        """(month label, needed, contacted) for each month of the quarter."""
        return list(zip(self.labels, self.required, self.contacted, strict=False))

    @property
    def cells(self) -> list[tuple[str, str]]:
        """(month label, state) for each month: "none" (not needed), "done", "open" (the month in
        progress, not contacted yet) or "missed" (an ended month without a contact)."""
        states = []
        for label, needed, done, closed in zip(
            self.labels, self.required, self.contacted, self.closed, strict=False
        ):
            states.append(
                (label, "none" if not needed else "done" if done else "missed" if closed else "open")
            )
        return states

    @property
    def visit_missed(self) -> bool:
        return self.visit_due and not self.visited and self.closed[-1]

    @property
    def behind(self) -> bool:
        return self.visit_missed or any(
            r and not c and k for r, c, k in zip(self.required, self.contacted, self.closed, strict=True)
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
        cursor.execute(
            f"SELECT officer_id, enterprise_id, r1, r2, r3, c1, c2, c3, v, vr FROM ({inner}) t", args
        )
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
            closed=list(period.closed),
            visit_due=bool(vr),
        )
        for o, e, r1, r2, r3, c1, c2, c3, v, vr in raw
        if e in enterprises and o in officers
    ]
    if behind_only:
        rows = [r for r in rows if r.behind]
    rows.sort(key=lambda r: (not r.behind, r.enterprise.name))
    return rows


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
    inner, args = _inner_sql(period, "", [], current_only=True)
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
    inner, args = _inner_sql(period, "", [], current_only=True)
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
