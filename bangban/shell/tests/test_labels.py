"""No internal name reaches a user: every kind of case-timeline entry and every audit action has a
Chinese label. The test walks what the apps register once the site is composed, and every kind
and action the code writes (read from the source, so a new one without a label fails here before
anyone sees `meeting_treated` or `ticket.intake` on a page), and checks the pages that show them."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

from bangban.audit.labels import ACTION_LABELS, action_label
from bangban.tickets.display import EVENT_LABELS, event_label
from bangban.tickets.events import add_event
from bangban.tickets.workflow import Action

ROOT = Path(__file__).resolve().parents[2]  # the bangban package
CHINESE = re.compile(r"[\u4e00-\u9fff]")
ACTION_SHAPE = re.compile(r"^[a-z_]+(\.[a-z_]+)+$")
# Calls whose first argument is an audit action, and those whose first (or second) is an event kind.
ACTION_CALLS = {"record", "Entry", "_rect_event"}
KIND_CALLS = {"add_event": 1, "EventSpec": 1}


def _constants(node: ast.AST) -> Iterator[str]:
    """The strings an argument can be: a literal, or either branch of `a if c else b`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.IfExp):
        yield from _constants(node.body)
        yield from _constants(node.orelse)


def _modules() -> Iterator[Path]:
    for path in ROOT.rglob("*.py"):
        parts = set(path.relative_to(ROOT).parts)
        if "tests" in parts or "migrations" in parts or path.name == "conftest.py":
            continue
        yield path


def written_in_code() -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """(kind, module) of every timeline entry and (action, module) of every audit event the code
    writes with a literal name."""
    kinds: set[tuple[str, str]] = set()
    actions: set[tuple[str, str]] = set()
    for path in _modules():
        where = str(path.relative_to(ROOT))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if name in ACTION_CALLS and node.args:
                actions |= {(a, where) for a in _constants(node.args[0])}
            if name in KIND_CALLS and len(node.args) > KIND_CALLS[name]:
                kinds |= {(k, where) for k in _constants(node.args[KIND_CALLS[name]])}
            for keyword in node.keywords:
                if keyword.arg == "action":
                    actions |= {(a, where) for a in _constants(keyword.value) if ACTION_SHAPE.match(a)}
                if keyword.arg == "kind" and name in (*KIND_CALLS, "TicketEvent"):
                    kinds |= {(k, where) for k in _constants(keyword.value)}
    return kinds, actions


def test_the_source_scan_finds_the_writers():
    kinds, actions = written_in_code()
    found_kinds = {k for k, _ in kinds}
    found_actions = {a for a, _ in actions}
    # A scan that found nothing would pass anything: it must see these known writers.
    assert {"intake", "escalate", "meeting_treated", "supervision", "deadline_recomputed"} <= found_kinds
    assert {
        "tickets.phone_code_sent",
        "account.activated",
        "account.deactivated",
        "ratings.rate",
    } <= found_actions


def test_every_timeline_kind_has_a_chinese_label():
    kinds, _ = written_in_code()
    registered = set(EVENT_LABELS) | {a.value for a in Action}
    missing = sorted(f"{kind} ({where})" for kind, where in kinds if kind not in EVENT_LABELS)
    assert not missing, f"时间线类型缺少中文名称：{missing}"
    for kind in registered:
        assert CHINESE.search(event_label(kind)), kind
        # … and its audit action ("ticket.<kind>") too.
        assert CHINESE.search(action_label(f"ticket.{kind}")), f"ticket.{kind}"


def test_every_audit_action_has_a_chinese_label():
    _, actions = written_in_code()
    missing = sorted(f"{action} ({where})" for action, where in actions if action not in ACTION_LABELS)
    assert not missing, f"审计操作缺少中文名称：{missing}"
    for action, label in ACTION_LABELS.items():
        assert CHINESE.search(label), action


def test_an_unknown_kind_never_shows_its_internal_name():
    assert event_label("no_such_kind") == "办理记录"


def test_the_case_page_the_api_and_the_audit_pages_show_labels(world, login, demo_clock):
    from bangban.audit.models import AuditEvent
    from bangban.tickets.tests.work_helpers import make_ticket

    ticket = make_ticket(world)
    for kind in ("escalate", "meeting_treated", "supervision", "mayor_review", "dispute_decided"):
        add_event(ticket, kind, actor=world.biz_office, note="（测试记录）", now=demo_clock)
    client = login(world.biz_office)
    page = client.get(f"/cases/{ticket.pk}/").content.decode()
    shown = re.sub(r"<[^>]+>", " ", page)
    for kind in ("escalate", "meeting_treated", "supervision", "mayor_review", "dispute_decided"):
        assert event_label(kind) in shown, kind
        assert not re.search(rf"(?<![\w.]){kind}(?![\w])", shown), kind
    timeline = client.get(f"/api/v1/cases/{ticket.pk}/events").json()
    labels = {e["kind"]: e["label"] for e in timeline}
    assert labels["meeting_treated"] == EVENT_LABELS["meeting_treated"]

    auditor = login(world.admin)
    listing = re.sub(r"<[^>]+>", " ", auditor.get("/audit/").content.decode())
    assert "ticket.meeting_treated" not in listing and "ticket.escalate" not in listing
    assert ACTION_LABELS["ticket.meeting_treated"] in listing
    event = AuditEvent.objects.filter(action="ticket.supervision").latest("pk")
    detail = re.sub(r"<[^>]+>", " ", auditor.get(f"/audit/{event.seq}/").content.decode())
    assert ACTION_LABELS["ticket.supervision"] in detail and "ticket.supervision" not in detail
