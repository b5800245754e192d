"""The draw as a pure function: reproducible from its seed, sampling ceil(count × ratio) per credit
tier, one joint visit per drawn enterprise with a full team of every unit, recusal, and an even
load."""

from __future__ import annotations

import hashlib
from collections import Counter

import pytest

from bangban.inspections import draw

UNITS = {10: [101, 102, 103, 104], 20: [201, 202, 203]}


def _pool(links: list[tuple[int, int]] | None = None) -> draw.Pool:
    return draw.Pool(
        targets={
            "A": list(range(1, 11)),
            "B": list(range(11, 111)),
            "C": list(range(111, 121)),
            "D": [121, 122],
        },
        inspectors=UNITS,
        links=links or [],
    )


RATIOS = {"A": 1500, "B": 300, "C": 5000, "D": 10000}  # 15 %, 3 %, 50 %, 100 %


def test_the_same_seed_gives_the_same_draw_and_another_seed_another() -> None:
    first = draw.run(_pool(), RATIOS, 2, "seed-2026")
    again = draw.run(_pool(), RATIOS, 2, "seed-2026")
    other = draw.run(_pool(), RATIOS, 2, "another-seed")
    assert first.visits == again.visits
    assert [v.enterprise_id for v in first.visits] != [v.enterprise_id for v in other.visits]


def test_each_tier_is_sampled_at_its_ratio_rounded_up() -> None:
    outcome = draw.run(_pool(), RATIOS, 2, "x")
    counts = Counter(v.tier for v in outcome.visits)
    # A: ceil(10 × 15 %) = 2; B: ceil(100 × 3 %) = 3; C: 5; D: both.
    assert counts == {"A": 2, "B": 3, "C": 5, "D": 2}
    assert {v.enterprise_id for v in outcome.visits if v.tier == "D"} == {121, 122}
    assert draw.sample_size(7, 0) == 0 and draw.sample_size(7, 10000) == 7 and draw.sample_size(7, 1) == 1


def test_every_visit_is_one_joint_visit_with_a_full_team_of_each_unit() -> None:
    outcome = draw.run(_pool(), RATIOS, 2, "x")
    assert len({v.enterprise_id for v in outcome.visits}) == len(outcome.visits)
    for visit in outcome.visits:
        assert [unit for unit, _ in visit.teams] == [10, 20]
        for unit, team in visit.teams:
            assert len(set(team)) == 2 and set(team) <= set(UNITS[unit])


def test_an_inspector_linked_to_an_enterprise_is_never_sent_there() -> None:
    # 101 and 102 are linked to every enterprise of tier D (always drawn), 201 to 121.
    links = [(121, 101), (122, 101), (121, 102), (122, 102), (121, 201)]
    for seed in ("a", "b", "c", "d"):
        outcome = draw.run(_pool(links), RATIOS, 2, seed)
        teams = {v.enterprise_id: dict(v.teams) for v in outcome.visits}
        assert set(teams[121][10]) == {103, 104} and set(teams[122][10]) == {103, 104}
        assert 201 not in teams[121][20]
        assert outcome.recusals >= 2


def test_recusal_leaving_too_few_inspectors_is_refused() -> None:
    links = [(121, 101), (121, 102), (121, 103)]
    with pytest.raises(draw.TeamUnavailable) as raised:
        draw.run(_pool(links), RATIOS, 2, "x")
    assert raised.value.unit_id == 10 and raised.value.enterprise_id == 121


def test_the_load_is_spread_evenly() -> None:
    outcome = draw.run(_pool(), {"B": 10000}, 2, "x")
    for unit, ids in UNITS.items():
        load = Counter(i for v in outcome.visits for u, team in v.teams if u == unit for i in team)
        assert set(load) == set(ids)
        assert max(load.values()) - min(load.values()) <= 1


def test_the_snapshot_round_trips_with_its_digest() -> None:
    pool = _pool([(121, 101)])
    data, digest = draw.encode(pool)
    decoded, again = draw.decode(data)
    assert again == digest and len(digest) == 64
    assert draw.run(decoded, RATIOS, 2, "s").visits == draw.run(pool, RATIOS, 2, "s").visits


def test_a_recorded_seed_gives_the_draw_it_gave_when_it_was_recorded() -> None:
    """复核 of a published draw recomputes it with today's code: the random stream and the way teams
    are formed may not change. The figures below were produced by the draw as first published."""
    pool = draw.Pool(
        targets={
            "A": list(range(1, 41)),
            "B": list(range(41, 341)),
            "C": list(range(341, 381)),
            "D": list(range(381, 401)),
        },
        inspectors={10: list(range(101, 109)), 20: list(range(201, 206)), 7: [701, 702, 703]},
        links=[(e, 101 + e % 8) for e in range(381, 401)]
        + [(e, 201) for e in range(1, 400, 7)]
        + [(390, 701)],
    )
    outcome = draw.run(pool, {"A": 1000, "B": 500, "C": 2500, "D": 10000}, 2, "golden-2026")
    text = repr([(v.enterprise_id, v.tier, v.teams) for v in outcome.visits])
    assert (len(outcome.visits), outcome.recusals) == (49, 3)
    assert outcome.visits[0] == draw.DrawnVisit(
        13, "A", ((7, (702, 703)), (10, (106, 108)), (20, (204, 205)))
    )
    assert hashlib.sha256(text.encode()).hexdigest() == (
        "49e7459904ae1dc07fa1b5fb411caf930eae0afbde13d285445479e7afeaae86"
    )
