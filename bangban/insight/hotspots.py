"""Heat (热度) and classes (苗头性 / 典型性 / 集中性) of a problem. Pure: no ORM.

The figures of a problem are those of its cases received in the run's window; the cases of the
`baseline_windows` windows before it (same length) are only its baseline. The formula is shown on
the 堵点 page as `HEAT_FORMULA`, and changing a weight here changes both.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

__all__ = [
    "CONCENTRATION_SHARE",
    "EMERGING_GROWTH",
    "HEAT_FORMULA",
    "HEAT_WEIGHTS",
    "MIN_CASES",
    "Classes",
    "ProblemFigures",
    "classify",
    "heat",
]

# A problem needs this many cases in the window to be listed.
MIN_CASES = 3
HEAT_WEIGHTS = {
    "cases": 1.0,
    "enterprises": 2.0,
    "extra_regions": 1.5,
    "weeks": 1.0,
    "repeats": 1.5,
    "bad_ratings": 3.0,
}
HEAT_FORMULA = (
    "热度 = 诉求数 + 2 × 涉及企业数 + 1.5 × (涉及区域数 − 1) + 持续周数 + 1.5 × 重复反映数 + 3 × 差评数"
)
# 苗头性: at least this many times its baseline (the average per earlier window, at least 1).
EMERGING_GROWTH = 2.0
# 集中性: at least this share of the cases in one region, one unit or one industry.
CONCENTRATION_SHARE = 0.6
# 典型性: this many cases from this many enterprises, told alike (cohesion of the group).
TYPICAL_CASES = 5
TYPICAL_ENTERPRISES = 3
TYPICAL_COHESION = 0.45


@dataclass
class ProblemFigures:
    """What the heat and the classes are computed from (the window's cases of one problem)."""

    cases: int
    enterprises: int
    regions: Counter[str] = field(default_factory=Counter)
    units: Counter[str] = field(default_factory=Counter)
    industries: Counter[str] = field(default_factory=Counter)
    day_span: int = 0
    repeats: int = 0
    bad_ratings: int = 0
    baseline: float = 0.0
    cohesion: float = 0.0


@dataclass(frozen=True)
class Classes:
    emerging: bool
    typical: bool
    concentrated: bool
    concentration: str


def heat(f: ProblemFigures) -> float:
    """The heat of a problem by `HEAT_FORMULA` (持续周数 = 持续天数 / 7, the first to the last case)."""
    w = HEAT_WEIGHTS
    value = (
        w["cases"] * f.cases
        + w["enterprises"] * f.enterprises
        + w["extra_regions"] * max(0, len(f.regions) - 1)
        + w["weeks"] * f.day_span / 7
        + w["repeats"] * f.repeats
        + w["bad_ratings"] * f.bad_ratings
    )
    return round(value, 1)


def _concentration(f: ProblemFigures) -> str:
    best = ""
    best_share = 0.0
    for what, counts in (("区域", f.regions), ("单位", f.units), ("行业", f.industries)):
        if not counts:
            continue
        name, n = counts.most_common(1)[0]
        share = n / f.cases if f.cases else 0.0
        if name and share >= CONCENTRATION_SHARE and share > best_share:
            best, best_share = f"{what}：{name}（{n}/{f.cases}，{share:.0%}）", share
    return best


def classify(f: ProblemFigures) -> Classes:
    """苗头性: sudden growth against its own baseline; 典型性: many enterprises telling the same
    problem alike (its representative case stands for all); 集中性: most cases in one region, unit
    or industry."""
    emerging = f.cases >= MIN_CASES and f.cases >= EMERGING_GROWTH * max(f.baseline, 1.0)
    typical = (
        f.cases >= TYPICAL_CASES and f.enterprises >= TYPICAL_ENTERPRISES and f.cohesion >= TYPICAL_COHESION
    )
    where = _concentration(f) if f.cases >= MIN_CASES else ""
    return Classes(emerging=emerging, typical=typical, concentrated=bool(where), concentration=where)
