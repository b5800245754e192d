"""Every public action (`do_*`) is one durable transaction, or says why not.

A public action nested by accident in someone else's transaction would commit with their work (or
roll back with it); a durable one refuses to run there. The source check below finds each
module-level `do_*` of the apps and requires one of: the `@durable_action` decorator, a durable
block of its own, a delegation to another public action (a thin wrapper), or a place in the short
list of nestable actions, each with its reason (docs/architecture.md, "Actions").
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.db import transaction

import bangban
from bangban.core.kit import durable_action

ROOT = Path(bangban.__file__).parent

# Nestable on purpose: each turns a unique-constraint race into a Chinese `Conflict` around its
# transaction, and another action or the demo loader runs it inside its own.
NESTABLE = {
    "tickets/intake/service.py:do_intake": "a service officer's contact and the demo file cases inside theirs",
    "tickets/intake/batch.py:do_intake_batch": "one transaction for the batch, retried on a numbering race",
    "ratings/actions/cases.py:do_rate_case": "the demo city rates its cases inside its transaction",
    "ratings/recheck.py:do_draw": "the demo city draws its 回头看 sample inside its transaction",
    "network/actions/contacts.py:do_log_contact": "the demo city logs contacts inside its transaction",
    "network/actions/contacts.py:do_log_leader_visit": "the demo city logs leader visits inside its transaction",
    "outreach/symposia.py:do_create_symposium": "the demo city creates its symposium inside its transaction",
    "enterprises/actions/exports.py:do_record_export": "runs inside the kernel export's transaction (require_transaction)",
}


def _public_actions() -> list[tuple[str, ast.FunctionDef]]:
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if "/tests/" in relative or "/migrations/" in relative:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("do_"):
                found.append((f"{relative}:{node.name}", node))
    return found


def _is_durable(node: ast.FunctionDef) -> bool:
    if any("durable_action" in ast.unparse(d) for d in node.decorator_list):
        return True
    return "durable=True" in ast.unparse(node)


def _delegates(node: ast.FunctionDef) -> bool:
    """A thin wrapper: it calls another public action (or the module's private `_update`-style
    helper that holds the durable block), so the transaction is that one's."""
    for call in ast.walk(node):
        if isinstance(call, ast.Call):
            func = call.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name != node.name and (name.startswith("do_") or name in {"_update", "_request", "_decide"}):
                return True
    return False


def test_the_source_check_finds_the_apps_actions():
    names = {key for key, _node in _public_actions()}
    # If the walk found nothing, the check below could not fail.
    assert "tickets/actions_routing.py:do_dispatch" in names
    assert len(names) > 150


def test_every_public_action_is_durable_or_says_why_not():
    offenders = [
        key
        for key, node in _public_actions()
        if key not in NESTABLE and not _is_durable(node) and not _delegates(node)
    ]
    assert offenders == [], f"public actions without a durable transaction: {offenders}"


def test_the_nestable_list_names_real_non_durable_actions():
    actions = dict(_public_actions())
    for key in NESTABLE:
        assert key in actions, f"{key} is listed as nestable but does not exist"
        assert not _is_durable(actions[key]), f"{key} is durable now: remove it from NESTABLE"


@pytest.mark.django_db
def test_a_durable_action_refuses_to_run_inside_another_transaction():
    calls = []

    @durable_action
    def do_example() -> str:
        calls.append("ran")
        return "done"

    assert do_example() == "done"
    with transaction.atomic(), pytest.raises(RuntimeError):
        do_example()
    with transaction.atomic():
        assert do_example.inner() == "done"
    assert calls == ["ran", "ran"]
