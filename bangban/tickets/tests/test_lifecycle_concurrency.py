"""Two people acting on one case at the same moment (issue 3 item 8): the row lock serialises
them, the second sees the first's change and gets a clear conflict; nothing is overwritten.
Real concurrent transactions need PostgreSQL (SQLite has one writer at a time)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from bangban.conftest import reply_fields
from bangban.core.errors import ApplicationError, Conflict
from bangban.tickets import actions
from bangban.tickets.models import Reply, TicketEvent
from bangban.tickets.workflow import Status

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def race(*jobs) -> list[object]:
    """Run the jobs in threads released together; each returns its result or its exception."""
    barrier = threading.Barrier(len(jobs))
    outcomes: list[object] = [None] * len(jobs)

    def worker(i: int, job) -> None:
        try:
            barrier.wait()
            outcomes[i] = job()
        except BaseException as exc:  # collected for the test
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def test_two_handlers_replying_at_once_one_wins_the_other_gets_a_conflict(cases):
    ticket = cases.in_progress()
    seen = ticket.version

    def reply(user, text):
        return lambda: actions.do_submit_reply(
            acting_user=user, ticket_id=ticket.pk, content=text, expected_version=seen, **reply_fields()
        )

    outcomes = race(reply(cases.handler_shuyang, "甲的答复"), reply(cases.handler_shuyang2, "乙的答复"))
    winners = [o for o in outcomes if not isinstance(o, BaseException)]
    losers = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(winners) == 1 and len(losers) == 1
    assert isinstance(losers[0], Conflict) and losers[0].message == "记录已被他人修改，请刷新后重试"
    ticket.refresh_from_db()
    assert ticket.status == Status.REPLY_REVIEW and ticket.version == seen + 1
    assert Reply.objects.filter(ticket=ticket).count() == 1
    assert TicketEvent.objects.filter(ticket=ticket, kind="submit_reply").count() == 1


def test_without_a_version_the_second_reply_is_out_of_turn(cases):
    ticket = cases.in_progress()

    def reply(user, text):
        return lambda: actions.do_submit_reply(
            acting_user=user, ticket_id=ticket.pk, content=text, **reply_fields()
        )

    outcomes = race(reply(cases.handler_shuyang, "甲的答复"), reply(cases.handler_shuyang2, "乙的答复"))
    errors = [o for o in outcomes if isinstance(o, ApplicationError)]
    assert len(errors) == 1 and errors[0].code == "invalid_transition"
    assert Reply.objects.filter(ticket=ticket).count() == 1


def test_a_dispatcher_reassigning_while_the_unit_returns_the_case(cases):
    ticket = cases.in_progress()
    seen = ticket.version
    outcomes = race(
        lambda: actions.do_return(
            acting_user=cases.handler_shuyang,
            ticket_id=ticket.pk,
            reason="非本单位职责",
            expected_version=seen,
        ),
        lambda: actions.do_reassign(
            acting_user=cases.dispatcher,
            ticket_id=ticket.pk,
            lead_unit_id=cases.siyang_gov.pk,
            reason="属地调整",
            expected_version=seen,
        ),
    )
    assert sum(isinstance(o, Conflict) for o in outcomes) == 1
    ticket.refresh_from_db()
    assert ticket.version == seen + 1
    assert ticket.status in {Status.PENDING_DISPATCH, Status.DISPATCHED}
    assert TicketEvent.objects.filter(ticket=ticket, kind__in=["return", "reassign"]).count() == 1
