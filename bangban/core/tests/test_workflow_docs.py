"""Every state machine's doc section is generated from its transition table: a table changed
without its doc (or a doc edited by hand between the markers) fails here.

`BANGBAN_DOCS_WRITE=1 pytest bangban/core/tests/test_workflow_docs.py` rewrites the blocks (a
missing block is added under the doc's "State machines" section)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from bangban.assist import workflow as assist
from bangban.conduct import workflow as conduct
from bangban.core.kit import TransitionTable
from bangban.escalation import workflow as escalation
from bangban.fieldruns import workflow as fieldruns
from bangban.insight import workflow as insight
from bangban.inspections import workflow as inspections
from bangban.knowledge import workflow as knowledge
from bangban.leniency import workflow as leniency
from bangban.network import workflow as network
from bangban.outreach import workflow as outreach
from bangban.ratings import workflow as ratings
from bangban.supervision import workflow as supervision

DOCS = Path(__file__).resolve().parents[3] / "docs"
DOC_OF_APP = {
    "escalation": (escalation.TABLES, "escalation.md"),
    "ratings": (ratings.TABLES, "ratings.md"),
    "supervision": (supervision.TABLES, "supervision.md"),
    "outreach": (outreach.TABLES, "outreach.md"),
    "network": (network.TABLES, "service-network.md"),
    "conduct": (conduct.TABLES, "conduct-and-enforcement.md"),
    "leniency": (leniency.TABLES, "leniency.md"),
    "inspections": (inspections.TABLES, "inspections.md"),
    "knowledge": (knowledge.TABLES, "knowledge.md"),
    "insight": (insight.TABLES, "text-intelligence.md"),
    "fieldruns": (fieldruns.TABLES, "fieldruns.md"),
    "assist": (assist.TABLES, "assist.md"),
}
CASES = [(t, doc) for tables, doc in DOC_OF_APP.values() for t in tables]
SECTION = "## State machines"


def _block(t: TransitionTable) -> str:
    return f"<!-- workflow:{t.name} -->\n{t.as_doc_block()}\n<!-- /workflow -->"


def _pattern(t: TransitionTable) -> re.Pattern[str]:
    return re.compile(rf"<!-- workflow:{re.escape(t.name)} -->\n.*?<!-- /workflow -->", re.S)


def _write(path: Path, t: TransitionTable) -> None:
    text = path.read_text(encoding="utf-8")
    if _pattern(t).search(text):
        text = _pattern(t).sub(lambda _m: _block(t), text)
    else:
        if SECTION not in text:
            text = text.rstrip("\n") + f"\n\n{SECTION}\n"
        text = text.rstrip("\n") + f"\n\n{_block(t)}\n"
    path.write_text(text, encoding="utf-8")


@pytest.mark.parametrize(("table", "doc"), CASES, ids=[t.name for t, _ in CASES])
def test_the_doc_draws_the_table_the_actions_use(table: TransitionTable, doc: str) -> None:
    path = DOCS / doc
    if os.environ.get("BANGBAN_DOCS_WRITE") == "1":
        _write(path, table)
    found = _pattern(table).search(path.read_text(encoding="utf-8"))
    assert found is not None, f"{doc} has no <!-- workflow:{table.name} --> block"
    assert found.group(0) == _block(table), f"{doc}: the {table.name} block differs from the table"


def test_every_state_machine_has_a_table_and_every_name_is_unique() -> None:
    names = [t.name for t, _ in CASES]
    assert len(names) == len(set(names))
    # Every state of every table is reachable: initial, or the target of some action.
    for t, _doc in CASES:
        reached = set(t.initial) | {m.target for m in t.transitions}
        assert reached == set(t.states.values), f"{t.name}: unreachable {set(t.states.values) - reached}"


def test_a_refused_move_names_the_record_state_and_action() -> None:
    from bangban.core.errors import InvalidTransition

    with pytest.raises(InvalidTransition) as refused:
        outreach.REPORT.check("declined", "forward")
    assert refused.value.message == "监督员反映的问题当前为“不予转办”，不能执行“转办”"
    assert refused.value.code == "invalid_transition"
    assert outreach.REPORT.allowed_actions("submitted") == ["forward", "decline"]
