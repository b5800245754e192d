"""The lifecycle is a transition table (R8 integrity): every action is allowed exactly from the
statuses TRANSITIONS names, out-of-turn moves get a Chinese message and a stable code, and the
diagram in docs/case-lifecycle.md draws the same table."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bangban.audit.models import AuditEvent
from bangban.conftest import reply_fields
from bangban.core.errors import InvalidTransition
from bangban.core.satisfaction import Satisfaction
from bangban.tickets import actions
from bangban.tickets.models import DeadlineRequest, FollowUp, Reply, RequestKind, Ticket, TicketEvent
from bangban.tickets.workflow import TRANSITIONS, Action, Status, allowed_actions, check_transition

from .conftest import T0, Cases, make_ticket

DOC = Path(__file__).resolve().parents[3] / "docs" / "case-lifecycle.md"
LATER = T0 + dt.timedelta(hours=2)


# --- the pure table -------------------------------------------------------------------------


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("status", list(Status))
def test_check_transition_follows_the_table(action, status):
    transition = TRANSITIONS[action]
    if status in transition.sources:
        assert check_transition(status, action) == transition.target
        assert action in allowed_actions(status)
    else:
        with pytest.raises(InvalidTransition) as exc:
            check_transition(status, action)
        assert exc.value.code == "invalid_transition"
        assert exc.value.message == f"诉求当前为“{status.label}”，不能执行“{action.label}”"
        assert action not in allowed_actions(status)


def test_final_statuses_allow_nothing_but_a_reopen_of_a_closed_case():
    assert allowed_actions(Status.MERGED) == []
    assert allowed_actions(Status.WITHDRAWN) == []
    assert allowed_actions(Status.CLOSED) == [Action.REOPEN]


def test_the_diagram_in_the_docs_draws_exactly_the_transition_table():
    text = DOC.read_text(encoding="utf-8")
    block = text.split("```mermaid", 1)[1].split("```", 1)[0]
    assert "stateDiagram-v2" in block
    drawn = set(re.findall(r"^\s*(\w+) --> (\w+) : (\w+)", block, flags=re.M))
    drawn = {d for d in drawn if "[*]" not in d}
    expected = {(s.value, t.target.value, t.action.value) for t in TRANSITIONS.values() for s in t.sources}
    assert drawn == expected
    for status in Status:
        assert f"{status.value} : {status.label}" in block


# --- every action through its do_* function, from every status ------------------------------------


def _case_in(cases: Cases, status: Status) -> Ticket:
    """A case in `status` with everything that status implies, led by 沭阳县政府."""
    ticket = cases.new(
        status=status,
        lead_unit=cases.shuyang_gov,
        handler=cases.handler_shuyang if status != Status.PENDING_DISPATCH else None,
        dispatched_at=T0,
        deadline_start=T0,
        workdays_allowed=5,
        due_at=T0 + dt.timedelta(days=10),
        warn_at=T0 + dt.timedelta(days=9),
        deadline_state="normal",
        suspended_at=T0 if status == Status.SUSPENDED else None,
    )
    if status == Status.REPLY_REVIEW:
        Reply.objects.create(ticket=ticket, content="答复稿", drafted_by=cases.handler_shuyang, drafted_at=T0)
    return ticket


def _perform(cases: Cases, action: Action, ticket: Ticket) -> Any:
    w = cases
    common: dict[str, Any] = {"ticket_id": ticket.pk, "now": LATER}
    performers: dict[Action, Callable[[], Any]] = {
        Action.CLOSE_ON_SPOT: lambda: actions.do_close_on_spot(
            acting_user=w.dispatcher, answer="当场答复", **common
        ),
        Action.DISPATCH: lambda: actions.do_dispatch(
            acting_user=w.dispatcher, lead_unit_id=w.shuyang_gov.pk, **common
        ),
        Action.ACCEPT: lambda: actions.do_accept(acting_user=w.handler_shuyang, **common),
        Action.RETURN: lambda: actions.do_return(
            acting_user=w.handler_shuyang, reason="非本单位职责", **common
        ),
        Action.REASSIGN: lambda: actions.do_reassign(
            acting_user=w.dispatcher, lead_unit_id=w.siyang_gov.pk, reason="属地调整", **common
        ),
        Action.SUSPEND: lambda: actions.do_decide_request(
            acting_user=w.dispatcher,
            request_id=DeadlineRequest.objects.create(
                ticket=ticket,
                kind=RequestKind.SUSPENSION,
                reason="等待材料",
                requested_by=w.handler_shuyang,
                requested_at=T0,
            ).pk,
            approve=True,
            now=LATER,
        ),
        Action.RESUME: lambda: actions.do_resume(acting_user=w.handler_shuyang, **common),
        Action.SUBMIT_REPLY: lambda: actions.do_submit_reply(
            acting_user=w.handler_shuyang, content="答复", **common, **reply_fields(common.get("now"))
        ),
        Action.APPROVE_REPLY: lambda: actions.do_approve_reply(acting_user=w.head_shuyang, **common),
        Action.REJECT_REPLY: lambda: actions.do_reject_reply(
            acting_user=w.head_shuyang, comment="请补充依据", **common
        ),
        Action.SHARED_REPLY: lambda: actions.do_shared_reply(
            acting_user=w.head_shuyang,
            content="同类问题的统一答复",
            answer=actions.SharedAnswer("hotspot_task", 1, "类案督办“测试”"),
            **common,
        ),
        Action.FOLLOW_UP_CLOSE: lambda: _followed(
            actions.do_follow_up(
                acting_user=w.dispatcher, resolved=True, satisfaction=Satisfaction.SATISFIED, **common
            )
        ),
        Action.REOPEN: lambda: _followed(
            actions.do_follow_up(
                acting_user=w.dispatcher, resolved=False, satisfaction=Satisfaction.DISSATISFIED, **common
            )
        ),
        Action.MERGE: lambda: actions.do_merge(
            acting_user=w.dispatcher, into_ticket_id=cases.new().pk, reason="重复反映", **common
        ),
        Action.WITHDRAW: lambda: actions.do_withdraw(
            acting_user=w.enterprise_user, reason="已自行解决", **common
        ),
    }
    return performers[action]()


def _allowed_from(action: Action) -> frozenset[Status]:
    # The follow-up reopens only an answered case; the table's closed → reopen is for a later 回头看.
    if action == Action.REOPEN:
        return frozenset({Status.REPLIED})
    return TRANSITIONS[action].sources


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("status", list(Status))
def test_every_action_is_allowed_exactly_from_its_source_statuses(cases, action, status):
    ticket = _case_in(cases, status)
    events_before = TicketEvent.objects.filter(ticket=ticket).count()
    if status in _allowed_from(action):
        _perform(cases, action, ticket)
        ticket.refresh_from_db()
        assert ticket.status == TRANSITIONS[action].target
        assert ticket.version == 2
        # One timeline entry per action, naming the move, and its audit event.
        event = TicketEvent.objects.filter(ticket=ticket).latest("id")
        assert TicketEvent.objects.filter(ticket=ticket).count() == events_before + 1
        assert (event.from_status, event.to_status) == (status.value, TRANSITIONS[action].target.value) or (
            status == TRANSITIONS[action].target and event.from_status == ""
        )
        assert AuditEvent.objects.filter(object_type="tickets.ticket", object_id=str(ticket.pk)).exists()
    else:
        with pytest.raises(InvalidTransition) as exc:
            _perform(cases, action, ticket)
        assert exc.value.code == "invalid_transition"
        assert f"诉求当前为“{status.label}”" in exc.value.message
        ticket.refresh_from_db()
        assert ticket.status == status and ticket.version == 1
        assert TicketEvent.objects.filter(ticket=ticket).count() == events_before


# --- the API: out of turn is 409 with a Chinese message --------------------------------------------


def test_out_of_turn_transition_through_the_api_is_409_invalid_transition(cases, login):
    ticket = cases.new()  # 待派单
    response = login(cases.handler_shuyang).post(
        f"/api/v1/cases/{ticket.pk}/accept", {"version": 1}, content_type="application/json"
    )
    # The handler cannot see a case nobody dispatched to their unit.
    assert response.status_code == 404
    closed = make_ticket(
        status=Status.CLOSED,
        enterprise=cases.ent_shuyang,
        region=cases.shucheng,
        lead_unit=cases.shuyang_gov,
        submitter=cases.enterprise_user,
    )
    response = login(cases.dispatcher).post(
        f"/api/v1/cases/{closed.pk}/dispatch",
        {"version": closed.version, "lead_unit_id": cases.siyang_gov.pk},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json() == {"code": "invalid_transition", "message": "诉求当前为“已办结”，不能执行“派单”"}
    closed.refresh_from_db()
    assert closed.status == Status.CLOSED and closed.lead_unit_id == cases.shuyang_gov.pk


def test_second_follow_up_on_a_closed_case_is_out_of_turn(cases, login):
    ticket = cases.replied()
    client = login(cases.dispatcher)
    body = {"version": ticket.version, "resolved": True, "satisfaction": 2}
    first = client.post(f"/api/v1/cases/{ticket.pk}/follow-up", body, content_type="application/json")
    assert first.status_code == 200 and first.json()["status"] == "closed"
    again = client.post(
        f"/api/v1/cases/{ticket.pk}/follow-up",
        {**body, "version": first.json()["version"], "satisfaction": 5},
        content_type="application/json",
    )
    assert again.status_code == 409
    assert again.json()["code"] == "invalid_transition"
    assert "已办结" in again.json()["message"]
    ticket.refresh_from_db()
    assert ticket.satisfaction == Satisfaction.SATISFIED and ticket.follow_ups.count() == 1


def _followed(follow_up: FollowUp | None) -> Ticket:
    """The case of the follow-up `do_follow_up` recorded."""
    assert follow_up is not None
    return follow_up.ticket
