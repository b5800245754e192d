"""A reopened case (重办) gets a fresh deadline from the reopen moment by its deadline policy, so
neither the enterprise nor the unit sees 超期 at once; the earlier overdue history is kept
(issue 11). Proved through the API and the case page at frozen dates."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from bangban.conftest import reply_fields
from bangban.tickets import actions
from bangban.tickets.config_actions import do_set_deadline_policy
from bangban.tickets.models import DeadlineRequest, FollowUp, Ticket
from bangban.tickets.sweeper import sweep_deadlines
from bangban.tickets.workflow import DeadlineState, Status
from bangban.workdays.arithmetic import SHANGHAI

from .test_dispatch_clock import As, get_case, local, page


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


# A portal case (一般, 5 working days) dispatched on Thursday 24 September 2026: 25 Sep is 中秋节, so
# 28, 29, 30 Sep, 8 and 9 Oct → due 9 Oct 23:59:59. Swept overdue on Monday 12 Oct, answered late.
DISPATCHED = at("2026-09-24 10:00")
SWEPT = at("2026-10-12 09:00")
REOPEN = at("2026-10-12 11:00")


def overdue_and_answered(cases, *, extended: bool = False) -> Ticket:
    ticket = cases.in_progress(now=DISPATCHED)
    assert local(ticket.due_at) == "2026-10-09 23:59:59"
    if extended:
        actions.do_request_extension(
            acting_user=cases.handler_shuyang,
            ticket_id=ticket.pk,
            workdays=1,
            reason="等材料",
            now=DISPATCHED,
        )
        request = DeadlineRequest.objects.get(ticket=ticket)
        actions.do_decide_request(
            acting_user=cases.dispatcher,
            request_id=request.pk,
            approve=True,
            now=DISPATCHED,
        )
        ticket.refresh_from_db()
        assert ticket.extensions_used == 1
    assert sweep_deadlines(SWEPT)["overdue"] == 1
    actions.do_submit_reply(
        acting_user=cases.handler_shuyang,
        ticket_id=ticket.pk,
        content="已协调。",
        now=SWEPT,
        **reply_fields(SWEPT),
    )
    ticket = actions.do_approve_reply(acting_user=cases.head_shuyang, ticket_id=ticket.pk, now=SWEPT)
    assert ticket.overdue_at == SWEPT and ticket.status == Status.REPLIED
    return ticket


def test_an_unsatisfied_follow_up_reopens_with_a_fresh_deadline_not_overdue(cases, login):
    ticket = overdue_and_answered(cases, extended=True)
    dispatcher = As(login, cases.dispatcher)
    response = dispatcher.at(REOPEN).post(
        f"/api/v1/cases/{ticket.pk}/follow-up",
        {"version": ticket.version, "resolved": False, "satisfaction": 4, "comment": "问题没有解决"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    # 5 working days after Monday 12 Oct: 13, 14, 15, 16, 19 Oct.
    assert body["status"] == "in_progress" and body["deadline_state"] == "normal"
    assert local(body["due_at"]) == "2026-10-19 23:59:59"

    enterprise = As(login, cases.enterprise_user)
    seen = get_case(enterprise, ticket.pk, REOPEN + dt.timedelta(hours=1))
    assert seen["deadline_state"] == "normal" and local(seen["warn_at"]) == "2026-10-16 23:59:59"
    html = page(enterprise, f"/cases/{ticket.pk}/", REOPEN + dt.timedelta(hours=1))
    assert 'data-testid="deadline-badge" data-state="normal"' in html
    assert 'data-state="overdue"' not in html

    # The sweeper does not mark it again before the new due time; the first overdue is kept.
    assert sweep_deadlines(REOPEN + dt.timedelta(hours=2))["overdue"] == 0
    ticket.refresh_from_db()
    assert ticket.deadline_state == DeadlineState.NORMAL and ticket.overdue_at == SWEPT
    assert (ticket.extensions_used, ticket.reopen_count) == (0, 1)
    # It turns overdue again only after the fresh due time, and that is announced again.
    assert sweep_deadlines(at("2026-10-20 09:00"))["overdue"] == 1
    ticket.refresh_from_db()
    assert ticket.overdue_at == SWEPT


def test_the_fresh_deadline_follows_the_policy_in_force_at_the_reopen(cases, login):
    ticket = overdue_and_answered(cases)
    do_set_deadline_policy(
        acting_user=cases.admin, channel=ticket.channel, urgency=ticket.urgency, workdays=3
    )
    body = (
        As(login, cases.dispatcher)
        .at(REOPEN)
        .post(
            f"/api/v1/cases/{ticket.pk}/follow-up",
            {"version": ticket.version, "resolved": False, "satisfaction": 5},
            content_type="application/json",
        )
        .json()
    )
    # 3 working days after 12 Oct: 13, 14, 15 Oct.
    assert local(body["due_at"]) == "2026-10-15 23:59:59" and body["deadline_state"] == "normal"
    assert Ticket.objects.get(pk=ticket.pk).workdays_allowed == 3


@pytest.mark.parametrize(
    ("reopened_at", "due", "warn"),
    [
        ("2026-09-30 16:00", "2026-10-13 23:59:59", "2026-10-12 23:59:59"),  # eve of National Day
        ("2026-10-10 09:00", "2026-10-16 23:59:59", "2026-10-15 23:59:59"),  # the 调休 Saturday
        ("2026-12-31 10:00", "2027-01-07 23:59:59", "2027-01-06 23:59:59"),  # 2027 not loaded: 临时
    ],
)
def test_a_recheck_reopens_a_closed_case_with_a_fresh_deadline(cases, login, reopened_at, due, warn):
    # Received before it was answered: the reply's contact time lies between the two.
    ticket = cases.replied(now=at("2026-09-01 10:00"), received_at=at("2026-09-01 09:00"))
    sweep_deadlines(at("2026-09-20 09:00"))
    closed = _followed(
        actions.do_follow_up(
            acting_user=cases.dispatcher,
            ticket_id=ticket.pk,
            resolved=True,
            satisfaction=2,
            now=at("2026-09-21 10:00"),
        )
    )
    assert closed.status == Status.CLOSED
    first_overdue = Ticket.objects.get(pk=ticket.pk).overdue_at
    moment = at(reopened_at)
    with time_machine.travel(moment, tick=False):
        actions.do_reopen_after_recheck(
            acting_user=cases.biz_office, ticket_id=ticket.pk, note="回头看发现未整改到位"
        )
    body = get_case(As(login, cases.enterprise_user), ticket.pk, moment + dt.timedelta(minutes=5))
    assert body["status"] == "in_progress" and body["deadline_state"] == "normal"
    assert (local(body["due_at"]), local(body["warn_at"])) == (due, warn)
    assert body["due_provisional"] is reopened_at.startswith("2026-12-31")
    assert Ticket.objects.get(pk=ticket.pk).overdue_at == first_overdue


def _followed(follow_up: FollowUp | None) -> Ticket:
    """The case of the follow-up `do_follow_up` recorded."""
    assert follow_up is not None
    return follow_up.ticket
