"""The 双随机 draw as a pure function — no queries, no clock: the same pool, ratios, team size and
seed always give the same visits, so anyone holding the published seed and the snapshot can redo it
(复核).

Order of the random stream (`random.Random(seed)`, a text seed, which Python hashes the same on
every machine):

1. each unit's inspectors, sorted by id, are shuffled once — units in ascending id;
2. per credit tier A, B, C, D in that order, `ceil(count × ratio)` enterprises are sampled from the
   tier's ids sorted ascending (`Random.sample`);
3. the drawn enterprises, in ascending id, are visited one after another: for each unit (ascending
   id) the next `team_size` inspectors of that unit's rotation who are not linked to the enterprise
   form its team, then go to the back of the rotation; a recused inspector keeps his or her place at
   the front. So every inspector of a unit gets the same number of visits, give or take one, apart
   from recusals.
"""

from __future__ import annotations

import hashlib
import json
import random
import zlib
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice

TIER_ORDER = ("A", "B", "C", "D")


class TeamUnavailable(Exception):
    """A unit has too few inspectors not linked to an enterprise to form a team for it."""

    def __init__(self, unit_id: int, enterprise_id: int) -> None:
        super().__init__(f"unit {unit_id} cannot form a team for enterprise {enterprise_id}")
        self.unit_id = unit_id
        self.enterprise_id = enterprise_id


@dataclass(frozen=True)
class Pool:
    """What a draw reads. `targets`: tier → enterprise ids; `inspectors`: unit id → inspector ids;
    `links`: (enterprise id, inspector id) pairs — the inspector is recused from the enterprise."""

    targets: Mapping[str, Sequence[int]]
    inspectors: Mapping[int, Sequence[int]]
    links: Sequence[tuple[int, int]] = ()

    def canonical(self) -> dict[str, object]:
        return {
            "targets": {t: sorted(self.targets.get(t, ())) for t in TIER_ORDER},
            "inspectors": {str(u): sorted(ids) for u, ids in sorted(self.inspectors.items())},
            "links": sorted([int(e), int(i)] for e, i in self.links),
        }


@dataclass(frozen=True)
class DrawnVisit:
    enterprise_id: int
    tier: str
    teams: tuple[tuple[int, tuple[int, ...]], ...]  # (unit id, inspector ids) per unit

    def members(self) -> list[tuple[int, int]]:
        return [(unit, inspector) for unit, ids in self.teams for inspector in ids]


@dataclass
class Outcome:
    visits: list[DrawnVisit] = field(default_factory=list)
    recusals: int = 0  # how many times an inspector was passed over because of a link


def sample_size(count: int, basis_points: int) -> int:
    """`ceil(count × ratio)` with the ratio in hundredths of a percent (12.5 % → 1250), in integers."""
    return min(count, -(-count * basis_points // 10000))


def run(pool: Pool, ratios: Mapping[str, int], team_size: int, seed: str) -> Outcome:
    """The visits of a draw. `ratios`: tier → hundredths of a percent. Raises `TeamUnavailable`."""
    rng = random.Random(seed)
    rotations: dict[int, deque[int]] = {}
    for unit in sorted(pool.inspectors):
        ids = sorted(pool.inspectors[unit])
        rng.shuffle(ids)
        rotations[unit] = deque(ids)
    tier_of: dict[int, str] = {}
    for tier in TIER_ORDER:
        ids = sorted(pool.targets.get(tier, ()))
        for enterprise in rng.sample(ids, sample_size(len(ids), ratios.get(tier, 0))):
            tier_of[enterprise] = tier
    recused: dict[int, set[int]] = {}
    for enterprise, inspector in pool.links:
        if enterprise in tier_of:
            recused.setdefault(enterprise, set()).add(inspector)
    outcome = Outcome()
    for enterprise in sorted(tier_of):
        banned = recused.get(enterprise)
        teams = []
        for unit, rotation in rotations.items():
            if banned is None:
                # Nobody recused (almost every visit): the next `team_size` of the rotation go to
                # its back — the same as the loop below, in two steps.
                if len(rotation) < team_size:
                    raise TeamUnavailable(unit, enterprise)
                team = list(islice(rotation, team_size))
                rotation.rotate(-team_size)
            else:
                team, skipped = _team_with_recusal(rotation, team_size, banned, unit, enterprise)
                outcome.recusals += skipped
            team.sort()
            teams.append((unit, tuple(team)))
        outcome.visits.append(DrawnVisit(enterprise, tier_of[enterprise], tuple(teams)))
    return outcome


def _team_with_recusal(
    rotation: deque[int], team_size: int, banned: set[int], unit: int, enterprise: int
) -> tuple[list[int], int]:
    """The next `team_size` inspectors of the rotation not linked to the enterprise, who go to its
    back; the recused ones keep their places at the front. Returns the team and how many were
    passed over."""
    team: list[int] = []
    skipped: list[int] = []
    while len(team) < team_size:
        if not rotation:
            raise TeamUnavailable(unit, enterprise)
        inspector = rotation.popleft()
        (skipped if inspector in banned else team).append(inspector)
    rotation.extend(team)
    rotation.extendleft(reversed(skipped))
    return team, len(skipped)


# --- the snapshot kept with a draw ---------------------------------------------------------------


def encode(pool: Pool) -> tuple[bytes, str]:
    """The pool compressed for storage, and the SHA-256 of its canonical JSON (published)."""
    canonical = pool.canonical()
    text = json.dumps(canonical, separators=(",", ":"), sort_keys=True).encode()
    # Level 3: smaller than 6 on these runs of ascending ids, and less than half the time.
    return zlib.compress(text, 3), hashlib.sha256(text).hexdigest()


def decode(data: bytes) -> tuple[Pool, str]:
    text = zlib.decompress(bytes(data))
    raw = json.loads(text)
    pool = Pool(
        targets={t: raw["targets"].get(t, []) for t in TIER_ORDER},
        inspectors={int(u): ids for u, ids in raw["inspectors"].items()},
        links=[(e, i) for e, i in raw["links"]],
    )
    return pool, hashlib.sha256(text).hexdigest()
