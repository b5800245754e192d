"""The decision aid's rule table, as the pure function the pages and the API call."""

from __future__ import annotations

import datetime as dt

import pytest

from bangban.leniency.models import Discretion, Outcome
from bangban.leniency.rules import Facts, History, ItemTerms, history_since, propose

NONE = History(since=dt.date(2024, 11, 1), count=0)
ONE = History(since=dt.date(2024, 11, 1), count=1, numbers=("MF2026-000001",))
FIRST = dict(first_offence=True, minor=True, intentional=False, harmful=False, corrected=True,
             harm_removed=False, new_economy=False, safety_line=False)  # fmt: skip


def item(discretion: str) -> ItemTerms:
    return ItemTerms(
        "SC-01", "未按规定公示年度报告", "《企业信息公示暂行条例》第八条", "第十七条", discretion
    )


@pytest.mark.parametrize(
    ("facts", "history", "discretion", "outcome", "rule"),
    [
        ({}, NONE, Discretion.NO_PENALTY, Outcome.NO_PENALTY, "first_offence"),
        ({}, NONE, Discretion.LIGHTER, Outcome.LIGHTER, "first_offence"),
        ({}, ONE, Discretion.NO_PENALTY, Outcome.PENALTY, "default"),
        ({"first_offence": False}, NONE, Discretion.NO_PENALTY, Outcome.PENALTY, "default"),
        ({"harmful": True}, NONE, Discretion.NO_PENALTY, Outcome.PENALTY, "default"),
        (
            {"intentional": True, "harm_removed": True},
            NONE,
            Discretion.NO_PENALTY,
            Outcome.REDUCED,
            "mitigated",
        ),
        ({"corrected": False, "harm_removed": True}, ONE, Discretion.LIGHTER, Outcome.LIGHTER, "mitigated"),
        ({"harmful": True, "new_economy": True}, ONE, Discretion.NO_PENALTY, Outcome.NO_PENALTY, "prudent"),
        ({"harmful": True, "new_economy": True}, ONE, Discretion.REDUCED, Outcome.LIGHTER, "prudent"),
        ({"new_economy": True, "intentional": True}, NONE, Discretion.NO_PENALTY, Outcome.PENALTY, "default"),
        (
            {"safety_line": True, "new_economy": True},
            NONE,
            Discretion.NO_PENALTY,
            Outcome.PENALTY,
            "safety_line",
        ),
    ],
)
def test_the_rule_table(facts, history, discretion, outcome, rule):
    proposal = propose(Facts(**{**FIRST, **facts}), history, item(discretion))
    assert (proposal.outcome, proposal.rule) == (outcome, rule)
    assert proposal.basis[0] == "违法依据：《企业信息公示暂行条例》第八条"
    assert proposal.basis[1] == "处罚依据：第十七条"


def test_a_prior_violation_is_named_in_the_reasons():
    proposal = propose(Facts(**FIRST), ONE, item(Discretion.NO_PENALTY))
    assert any("MF2026-000001" in r and "不属于初次违法" in r for r in proposal.reasons)
    assert "行政处罚法》第三十三条" in propose(Facts(**FIRST), NONE, item(Discretion.NO_PENALTY)).basis[2]


def test_two_years_are_counted_back_from_the_case_date():
    assert history_since(dt.date(2026, 11, 18)) == dt.date(2024, 11, 18)
    assert history_since(dt.date(2028, 2, 29)) == dt.date(2026, 2, 28)
