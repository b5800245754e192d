"""Other apps read cases through `bangban.tickets.public`, never `Ticket.objects` directly."""

from __future__ import annotations

import ast
from pathlib import Path

import bangban
from bangban.tickets import public

ROOT = Path(bangban.__file__).resolve().parent
TICKETS = ROOT / "tickets"
MANAGERS = {"objects", "_default_manager", "_base_manager"}


def _outside_tickets() -> list[Path]:
    """The product's modules outside the case system (tests and migrations aside: they set up and
    inspect rows directly)."""
    return [
        path
        for path in sorted(ROOT.rglob("*.py"))
        if TICKETS not in path.parents
        and "tests" not in path.relative_to(ROOT).parts
        and "migrations" not in path.relative_to(ROOT).parts
        and path.name != "conftest.py"
    ]


def ticket_manager_uses(source: str) -> list[int]:
    """Lines where `Ticket.objects` (or another manager of `Ticket`) is used."""
    return sorted(
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Attribute)
        and node.attr in MANAGERS
        and isinstance(node.value, ast.Name | ast.Attribute)
        and (node.value.id if isinstance(node.value, ast.Name) else node.value.attr) == "Ticket"
    )


def test_the_scanner_finds_a_direct_query() -> None:
    assert ticket_manager_uses("Ticket.objects.filter(pk=1)\nx = models.Ticket._default_manager\n") == [1, 2]
    assert ticket_manager_uses("cases_in([1])\nTicketEvent.objects.all()\n") == []


def test_no_app_outside_tickets_queries_ticket_objects() -> None:
    modules = _outside_tickets()
    assert len(modules) > 100  # the scan really covers the other apps
    found = [
        f"{path.relative_to(ROOT.parent)}:{line}"
        for path in modules
        for line in ticket_manager_uses(path.read_text(encoding="utf-8"))
    ]
    assert found == [], "use bangban.tickets.public instead of Ticket.objects: " + ", ".join(found)


def test_the_public_surface_lists_what_it_offers() -> None:
    offered = {name for name in vars(public) if not name.startswith("_") and callable(getattr(public, name))}
    assert set(public.__all__) <= offered
    assert "cases_in" in public.__all__ and "lock_case" in public.__all__
