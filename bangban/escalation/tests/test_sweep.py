"""The automatic escalation sweep (R12.2): an overdue case goes up once per tier; a tier whose own
deadline passes goes up again; the configured ceiling, rule and suspended cases are respected; two
sweeps (also concurrent ones on PostgreSQL) never escalate a case twice."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection

from bangban.audit.models import AuditEvent
from bangban.escalation.actions import settings_row
from bangban.escalation.models import AutoRule, CaseEscalation, EscalationSettings, EscalationStep
from bangban.escalation.sweep import sweep_escalations
from bangban.notifications.models import OutboxMessage
from bangban.tickets.models import TicketEvent
from bangban.tickets.workflow import Status

from .conftest import at, make_ticket


def overdue_case(esc, status=Status.IN_PROGRESS, due="2026-10-09 23:59:59"):
    return make_ticket(
        status=status,
        lead_unit=esc.shuyang_gov,
        enterprise=esc.ent_shuyang,
        dispatched_at=at("2026-09-29 10:00"),
        deadline_start=at("2026-09-29 10:00"),
        due_at=at(due),
        warn_at=at(due) - dt.timedelta(days=1),
    )


def test_overdue_case_goes_to_tier_2_once(esc):
    ticket = overdue_case(esc)
    on_time = overdue_case(esc, due="2026-10-30 23:59:59")
    first = sweep_escalations(at("2026-10-12 09:00"))
    assert first["escalated"] == 1
    row = CaseEscalation.objects.get(ticket=ticket)
    assert row.level == 2
    assert not CaseEscalation.objects.filter(ticket=on_time).exists()
    step = EscalationStep.objects.get(ticket=ticket)
    assert step.kind == "auto" and step.from_level == 1 and step.to_level == 2
    assert TicketEvent.objects.filter(ticket=ticket, kind="escalate").count() == 1
    assert AuditEvent.objects.filter(action="escalation.sweep").count() == 1
    assert (
        OutboxMessage.objects.filter(recipient=esc.biz_office, subject__contains="自动升至第2级").count() == 1
    )
    second = sweep_escalations(at("2026-10-12 09:30"))
    assert second["escalated"] == 0
    assert EscalationStep.objects.filter(ticket=ticket).count() == 1


def test_tier_deadline_then_takes_it_to_tier_3_and_stops_at_the_ceiling(esc):
    ticket = overdue_case(esc)
    sweep_escalations(at("2026-10-12 09:00"))
    row = CaseEscalation.objects.get(ticket=ticket)
    assert row.tier_due_at is not None
    # Tier 2 has 5 working days: 13–16 and 19 October.
    assert row.tier_due_at.astimezone(at("2026-10-19 00:00").tzinfo).strftime("%Y-%m-%d") == "2026-10-19"
    assert sweep_escalations(at("2026-10-19 12:00"))["escalated"] == 0
    assert sweep_escalations(at("2026-10-20 09:00"))["escalated"] == 1
    assert CaseEscalation.objects.get(ticket=ticket).level == 3
    # 常务副市长会办 (tier 4) is above the automatic ceiling (3): people decide.
    assert sweep_escalations(at("2026-11-30 09:00"))["escalated"] == 0
    assert CaseEscalation.objects.get(ticket=ticket).level == 3
    assert list(EscalationStep.objects.filter(ticket=ticket).values_list("to_level", flat=True)) == [2, 3]


def test_rule_overdue_only_moves_tier_1_and_rule_off_moves_nothing(esc):
    ticket = overdue_case(esc)
    # The settings row (seeded by a migration) may be gone after a transactional test's flush.
    settings_row()
    EscalationSettings.objects.filter(pk=1).update(auto_rule=AutoRule.OFF)
    assert sweep_escalations(at("2026-10-12 09:00"))["escalated"] == 0
    EscalationSettings.objects.filter(pk=1).update(auto_rule=AutoRule.OVERDUE)
    assert sweep_escalations(at("2026-10-12 09:00"))["escalated"] == 1
    assert sweep_escalations(at("2026-11-30 09:00"))["escalated"] == 0
    assert CaseEscalation.objects.get(ticket=ticket).level == 2


def test_suspended_and_closed_cases_are_not_escalated(esc):
    overdue_case(esc, status=Status.SUSPENDED)
    overdue_case(esc, status=Status.CLOSED)
    assert sweep_escalations(at("2026-10-12 09:00"))["escalated"] == 0
    assert not EscalationStep.objects.exists()


def test_a_case_raised_by_hand_is_not_raised_again_to_the_same_tier(esc):
    from bangban.escalation.actions import do_escalate

    ticket = overdue_case(esc)
    do_escalate(
        acting_user=esc.biz_office,
        ticket_id=ticket.pk,
        reason="先行会办",
        to_level=3,
        now=at("2026-10-10 09:00"),
    )
    assert sweep_escalations(at("2026-10-12 09:00"))["escalated"] == 0
    assert CaseEscalation.objects.get(ticket=ticket).level == 3


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_escalate_each_case_once(esc):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent workers need PostgreSQL")
    tickets = [overdue_case(esc) for _ in range(60)]
    results: list[dict] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            results.append(sweep_escalations(at("2026-10-12 09:00"), batch_size=7))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sum(r["escalated"] for r in results) == len(tickets)
    assert EscalationStep.objects.count() == len(tickets)
    assert TicketEvent.objects.filter(kind="escalate").count() == len(tickets)
    assert CaseEscalation.objects.filter(level=2).count() == len(tickets)
