"""复核: recompute a plan's draw from its recorded snapshot and seed and compare it with the visits
kept — anyone who may read the plan can check that nobody changed a team or an enterprise since."""

from __future__ import annotations

from dataclasses import dataclass

from .draw import decode, run
from .models import DrawSnapshot, Plan, Visit
from .queries import ratios_of


@dataclass(frozen=True)
class Check:
    matches: bool
    digest_matches: bool
    recomputed: int
    stored: int
    differing: tuple[str, ...]  # task numbers (or enterprise ids) that differ, the first few


def verify_draw(plan: Plan) -> Check:
    snap = DrawSnapshot.objects.filter(plan=plan).first()
    if snap is None or not plan.seed:
        return Check(False, False, 0, 0, ())
    pool, digest = decode(snap.data)
    outcome = run(pool, ratios_of(plan), plan.team_size, plan.seed)
    expected = {v.enterprise_id: (v.tier, tuple(sorted(v.members()))) for v in outcome.visits}
    stored = {}
    numbers = {}
    for enterprise, tier, number, team in Visit.objects.filter(plan=plan).values_list(
        "enterprise_id", "tier", "task_number", "team"
    ):
        stored[enterprise] = (tier, tuple(sorted((int(u), int(i)) for u, i in team)))
        numbers[enterprise] = number
    differing = sorted(
        numbers.get(e, f"企业{e}") for e in set(expected) | set(stored) if expected.get(e) != stored.get(e)
    )
    return Check(
        matches=not differing and digest == plan.snapshot_digest,
        digest_matches=digest == plan.snapshot_digest,
        recomputed=len(expected),
        stored=len(stored),
        differing=tuple(differing[:10]),
    )
