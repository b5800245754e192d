"""Coverage of key enterprises (全覆盖, R3.1), computed on read: every active 市工业百强 and 县区重点
enterprise needs a current officer who satisfies the rank rules (`rules.check_assignment`) for the
enterprise's tier **as it is now** and the officer's rank and unit **as they are now**. So an
enterprise promoted to 市工业百强 whose officer is a county 科员, or an officer moved to another unit
or given another rank, shows as a gap at once — nothing is stored that could go stale.

A gap is (enterprise, reason): 未挂钩 (no current officer), 职级不符 (rank or level below the tier's
rule), 区域不符 (the officer's unit is outside the enterprise's area), 专员未登记单位, or 专员已停用
(the account is inactive or no longer a 帮办专员)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bangban.accounts.models import User
from bangban.accounts.roles import Role
from bangban.enterprises.models import Enterprise
from bangban.org.models import Region

from . import rules
from .access import enterprise_scope_q, is_overseer
from .models import Assignment
from .queries import _county_of, county_regions

NO_OFFICER = "no_officer"
OFFICER_INACTIVE = "officer_inactive"
# Gap reason code → the label pages and the API show.
GAP_LABELS = {
    NO_OFFICER: "未挂钩",
    "rank_too_low": "职级不符",
    "officer_not_city_level": "职级不符",
    "officer_out_of_region": "区域不符",
    "officer_not_local": "区域不符",
    "officer_without_unit": "专员未登记单位",
    OFFICER_INACTIVE: "专员已停用",
}


@dataclass
class Gap:
    enterprise_id: int
    region_path: str
    code: str
    message: str
    officer_name: str = ""
    enterprise: Enterprise | None = None

    @property
    def label(self) -> str:
        return GAP_LABELS.get(self.code, "挂钩不符合规定")

    @property
    def mismatched(self) -> bool:
        return self.code != NO_OFFICER


def _check(
    tier: str, path: str, officer: Mapping[str, Any] | None, active_officers: set[int]
) -> tuple[str, str]:
    if officer is None:
        return NO_OFFICER, "尚无挂钩的帮办专员"
    name = officer["full_name"] or officer["username"]
    if not officer["is_active"] or officer["id"] not in active_officers:
        return OFFICER_INACTIVE, f"{name}的账号已停用或不再是帮办专员"
    refusal = rules.check_assignment(
        rules.Officer(
            name=name,
            rank=officer["rank"] or "",
            region_level=officer["unit__region__level"],
            region_path=officer["unit__region__path"],
        ),
        tier,
        path,
    )
    return (refusal.code, refusal.message) if refusal is not None else ("", "")


def key_enterprise_check(user: Any) -> tuple[list[Gap], dict[str, int]]:
    """(the gaps of the key enterprises in the user's scope, the number of key enterprises per
    region path). Reads the key enterprises, their current officers and those officers' rank and
    unit in three statements; the rule itself is `rules.check_assignment`."""
    scoped = enterprise_scope_q(user, prefix="")
    if scoped is None or not is_overseer(user):
        return [], {}
    enterprises = list(
        Enterprise.objects.filter(scoped, tier__in=list(rules.KEY_TIERS), is_active=True)
        .values_list("pk", "tier", "region__path")
        .order_by()
    )
    ids = [pk for pk, _, _ in enterprises]
    current = (
        dict(
            Assignment.objects.filter(enterprise_id__in=ids, ended_on__isnull=True).values_list(
                "enterprise_id", "officer_id"
            )
        )
        if ids
        else {}
    )
    officers = {
        o["id"]: o
        for o in User.objects.filter(pk__in=set(current.values())).values(
            "id", "username", "full_name", "rank", "is_active", "unit__region__level", "unit__region__path"
        )
    }
    active = set(
        User.objects.filter(pk__in=list(officers), roles__code=Role.SERVICE_OFFICER).values_list(
            "pk", flat=True
        )
    )
    totals: dict[str, int] = defaultdict(int)
    gaps = []
    for pk, tier, path in enterprises:
        totals[path] += 1
        officer = officers.get(current[pk]) if pk in current else None
        code, message = _check(tier, path, officer, active)
        if code:
            name = (officer["full_name"] or officer["username"]) if officer else ""
            gaps.append(
                Gap(enterprise_id=pk, region_path=path, code=code, message=message, officer_name=name)
            )
    return gaps, dict(totals)


def coverage_gaps(user: Any, region_code: str = "") -> list[Gap]:
    """The key enterprises in the user's scope without a current officer who satisfies the rank
    rules now, each with its enterprise loaded, ordered by region and name; `region_code` keeps
    those of one county or zone."""
    gaps, _ = key_enterprise_check(user)
    if region_code:
        gaps = [g for g in gaps if f"/{region_code}/" in g.region_path]
    loaded = Enterprise.objects.select_related("region").in_bulk([g.enterprise_id for g in gaps])
    for g in gaps:
        g.enterprise = loaded.get(g.enterprise_id)
    shown = [g for g in gaps if g.enterprise is not None]
    shown.sort(key=lambda g: (g.region_path, g.enterprise.name if g.enterprise else ""))
    return shown


@dataclass
class CoverageRow:
    region: Region
    key_total: int = 0
    uncovered: int = 0  # no current officer
    mismatched: int = 0  # an officer the rank rules no longer allow

    @property
    def covered(self) -> int:
        return self.key_total - self.uncovered - self.mismatched

    @property
    def gaps(self) -> int:
        return self.uncovered + self.mismatched


def coverage_by_region(user: Any) -> list[CoverageRow]:
    gaps, totals = key_enterprise_check(user)
    tops = county_regions()
    rows: dict[int, CoverageRow] = {}
    for path, n in totals.items():
        county = _county_of(path, tops)
        if county is not None:
            rows.setdefault(county.pk, CoverageRow(region=county)).key_total += n
    for g in gaps:
        county = _county_of(g.region_path, tops)
        if county is None:
            continue
        row = rows.setdefault(county.pk, CoverageRow(region=county))
        if g.mismatched:
            row.mismatched += 1
        else:
            row.uncovered += 1
    return sorted(rows.values(), key=lambda r: r.region.path)
