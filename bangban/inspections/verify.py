"""复核: recompute a plan's draw from its recorded snapshot and seed and compare it with the visits
kept — anyone who may read the plan can check that nobody changed a team or an enterprise since."""

from __future__ import annotations

from dataclasses import dataclass

from .draw import decode, run
from .models import DrawSnapshot, Plan, TeamMember, Visit
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
    members: dict[int, list[tuple[int, int]]] = {}
    for visit_id, unit, inspector in TeamMember.objects.filter(visit__plan=plan).values_list(
        "visit_id", "unit_id", "inspector_id"
    ):
        members.setdefault(visit_id, []).append((unit, inspector))
    stored = {}
    numbers = {}
    for pk, enterprise, tier, number in Visit.objects.filter(plan=plan).values_list(
        "pk", "enterprise_id", "tier", "task_number"
    ):
        stored[enterprise] = (tier, tuple(sorted(members.get(pk, []))))
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
