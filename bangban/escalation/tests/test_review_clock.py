"""The dispatch clock of a mayor-channel case (issue 11): from receipt to 交办, with the review
limit; the review list shows 临期/超期, and the sweeper reminds the people whose step is pending —
once per threshold."""

from __future__ import annotations

import re

import time_machine

from bangban.notifications.models import OutboxMessage
from bangban.tickets.models import Ticket
from bangban.tickets.sweeper import sweep_deadlines

from .conftest import at
from .test_mayor import classify, post, sign, submission

RECEIVED = at("2026-11-09 10:00")  # Monday: 3 working days → due Thursday 12 Nov 23:59:59, 临期 from Wed
IN_WARNING = at("2026-11-12 09:00")
OVERDUE = at("2026-11-13 09:00")


def received(esc) -> Ticket:
    with time_machine.travel(RECEIVED, tick=False):
        return submission(esc)


def subjects(user) -> list[str]:
    return sorted(
        OutboxMessage.objects.filter(recipient=user, subject__contains="市长直通车诉求").values_list(
            "subject", flat=True
        )
    )


def review_row(esc, login, ticket, when) -> str:
    with time_machine.travel(when, tick=False):
        html = login(esc.staff).get("/escalation/mayor/").content.decode()
    match = re.search(rf'<tr data-testid="mayor-row" data-number="{ticket.number}".*?</tr>', html, re.S)
    assert match
    return match.group(0)


def test_a_case_waiting_for_classification_reminds_the_mayor_office(esc, login):
    ticket = received(esc)
    assert ticket.dispatch_clock == "review"
    OutboxMessage.objects.all().delete()
    assert sweep_deadlines(IN_WARNING)["dispatch_warning"] == 1
    assert subjects(esc.staff) == ["1 件市长直通车诉求临期提醒"]
    assert 'data-dispatch-state="warning"' in review_row(esc, login, ticket, IN_WARNING)
    # Nobody else is reminded: the case is not the dispatchers' to send.
    assert not OutboxMessage.objects.filter(recipient=esc.dispatcher).exists()
    assert not OutboxMessage.objects.filter(recipient=esc.deputy).exists()


def test_the_pending_signer_is_reminded_and_the_clock_stops_at_dispatch(esc, login):
    ticket = received(esc)
    with time_machine.travel(at("2026-11-10 09:00"), tick=False):
        classify(esc, login, ticket)
    OutboxMessage.objects.all().delete()
    sweep_deadlines(IN_WARNING)
    assert subjects(esc.deputy) == ["1 件市长直通车诉求临期提醒"]
    with time_machine.travel(at("2026-11-12 10:00"), tick=False):
        assert sign(esc, login, esc.deputy, ticket).status_code == 200
    counts = sweep_deadlines(OVERDUE)
    assert counts["dispatch_overdue"] == 1
    # Now at the 秘书长's step: the 秘书长 gets the overdue reminder; the deputy is not told again.
    assert subjects(esc.secretary) == ["1 件市长直通车诉求超期提醒"]
    assert subjects(esc.deputy) == ["1 件市长直通车诉求临期提醒"]
    row = review_row(esc, login, ticket, OVERDUE)
    assert 'data-dispatch-state="overdue"' in row and "已超期 9小时" in row
    assert sweep_deadlines(OVERDUE)["alerts"] == 0

    with time_machine.travel(at("2026-11-13 10:00"), tick=False):
        assert sign(esc, login, esc.secretary, ticket).status_code == 200
        assert sign(esc, login, esc.vice_mayor, ticket).status_code == 200
        response = post(login(esc.staff), f"/api/v1/escalation/mayor/{ticket.pk}/dispatch",
                        {"lead_unit_id": esc.shuyang_gov.pk, "urgency": "general"})  # fmt: skip
    assert response.status_code == 200, response.content
    ticket.refresh_from_db()
    assert ticket.dispatch_settled_at == at("2026-11-13 10:00") and ticket.dispatch_state == "overdue"
    assert 'data-dispatch-state="none"' in review_row(esc, login, ticket, at("2026-11-13 11:00"))
    # The unit's deadline (mayor channel, 一般: 5 working days) starts at the 交办: 16–20 Nov.
    assert (
        ticket.due_at is not None
        and ticket.due_at.astimezone(at("2026-11-13 10:00").tzinfo).date().isoformat() == "2026-11-20"
    )
