"""The rules of the service network, as pure functions (no ORM): who may serve which enterprise
(R3.1) and the periods of the contact and visit duties (R3.2: a contact a month; R4.2: an on-site
visit a quarter)."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from bangban.accounts.roles import Rank, rank_at_least
from bangban.enterprises.models import Tier
from bangban.org.models import RegionLevel

CITY_TOP100_MIN_RANK = Rank.FU_CHU
COUNTY_KEY_MIN_RANK = Rank.FU_KE
LOCAL_LEVELS = frozenset({RegionLevel.COUNTY, RegionLevel.ZONE, RegionLevel.TOWNSHIP})
KEY_TIERS = frozenset({Tier.CITY_TOP100, Tier.COUNTY_KEY})


@dataclass(frozen=True)
class Officer:
    """What the rank rules need to know of an officer."""

    name: str
    rank: str
    region_level: str | None  # the level of the region of the officer's unit; None: no unit
    region_path: str | None


@dataclass(frozen=True)
class Refusal:
    code: str
    message: str


def check_assignment(officer: Officer, tier: str, enterprise_path: str) -> Refusal | None:
    """None if `officer` may serve an enterprise of `tier` in the region at `enterprise_path`;
    otherwise the reason (R3.1):
    * 市工业百强 → a city-level officer (a unit of the city itself) of 副处级 or above;
    * key enterprises of a county or zone → 副科级 or above, from the city or that county/zone;
    * all others → staff of the county, zone or township the enterprise belongs to."""
    if officer.region_level is None or officer.region_path is None:
        return Refusal("officer_without_unit", f"{officer.name}未登记所在单位，不能挂钩企业")
    rank_label = Rank(officer.rank).label if officer.rank in Rank.values else "未填职级"
    if tier == Tier.CITY_TOP100:
        if officer.region_level != RegionLevel.CITY:
            return Refusal(
                "officer_not_city_level",
                f"市工业百强企业须由市级层面选派干部挂钩，{officer.name}不是市级单位干部",
            )
        if not rank_at_least(officer.rank, CITY_TOP100_MIN_RANK):
            return Refusal(
                "rank_too_low",
                f"市工业百强企业须由副处级以上干部挂钩，{officer.name}的职级为{rank_label}",
            )
        return None
    covers = enterprise_path.startswith(officer.region_path)
    if tier == Tier.COUNTY_KEY:
        if not covers:
            return Refusal(
                "officer_out_of_region", f"{officer.name}所在单位不在该企业所属县区（功能区），不能挂钩"
            )
        if not rank_at_least(officer.rank, COUNTY_KEY_MIN_RANK):
            return Refusal(
                "rank_too_low",
                f"县区（功能区）重点企业须由副科级以上干部挂钩，{officer.name}的职级为{rank_label}",
            )
        return None
    if officer.region_level not in LOCAL_LEVELS:
        return Refusal(
            "officer_not_local",
            "一般企业由县区、功能区机关部门和镇街干部挂钩服务，"
            + f"{officer.name}不是县区、功能区或镇街干部",
        )
    if not covers:
        return Refusal("officer_out_of_region", f"{officer.name}所在单位不在该企业所属区域，不能挂钩")
    return None


# --- periods --------------------------------------------------------------------------------------

QUARTER_RE = re.compile(r"^(\d{4})\s*[-Qq]\s*([1-4])$")


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def of(cls, day: dt.date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def parse(cls, text: str) -> Quarter | None:
        """ "2026Q4", "2026-4", "2026q4" → Quarter(2026, 4); anything else → None."""
        match = QUARTER_RE.match((text or "").strip())
        if not match:
            return None
        year = int(match.group(1))
        if not 2000 <= year <= 2100:
            return None
        return cls(year, int(match.group(2)))

    @property
    def code(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def label(self) -> str:
        return f"{self.year}年第{'一二三四'[self.number - 1]}季度"

    @property
    def months(self) -> list[tuple[dt.date, dt.date]]:
        first = (self.number - 1) * 3 + 1
        return [month_span(self.year, m) for m in range(first, first + 3)]

    @property
    def start(self) -> dt.date:
        return self.months[0][0]

    @property
    def end(self) -> dt.date:
        return self.months[-1][1]

    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)


def month_span(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def month_code(day: dt.date) -> str:
    return f"{day:%Y-%m}"
