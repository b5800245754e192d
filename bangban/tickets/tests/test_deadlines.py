"""Deadlines in working days (R2.2, R8.3, R0.3): the worked examples of docs/case-lifecycle.md,
extensions, suspensions across holidays, reopening and a missing policy."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from bangban.core.errors import ApplicationError, ValidationFailed
from bangban.core.satisfaction import Satisfaction
from bangban.tickets.actions import (
    do_decide_request,
    do_dispatch,
    do_follow_up,
    do_request_extension,
    do_request_suspension,
    do_resume,
)
from bangban.tickets.deadlines import compute_deadline, deadline_state_at, policy_for
from bangban.tickets.models import Channel, DeadlinePolicy, FollowUp, Ticket, TicketEvent, Urgency
from bangban.tickets.workflow import DeadlineState, Status
from bangban.workdays.arithmetic import SHANGHAI

DOC = Path(__file__).resolve().parents[3] / "docs" / "case-lifecycle.md"


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def local(value: dt.datetime | None) -> str:
    assert value is not None
    return value.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")


# --- worked examples (the same table as docs/case-lifecycle.md) ------------------------------

EXAMPLES = [
    # channel, urgency, received by the unit, due, warning starts
    (Channel.MAYOR, Urgency.GENERAL, "2026-09-30 15:00", "2026-10-13 23:59:59", "2026-10-12 23:59:59"),
    (Channel.MAYOR, Urgency.URGENT, "2026-09-30 15:00", "2026-10-09 23:59:59", "2026-10-08 23:59:59"),
    (Channel.MAYOR, Urgency.COMPLEX, "2026-09-30 15:00", "2026-10-27 23:59:59", "2026-10-26 23:59:59"),
    (Channel.WINDOW, Urgency.GENERAL, "2026-10-10 09:30", "2026-10-10 23:59:59", "2026-10-10 23:59:59"),
    (Channel.WINDOW, Urgency.GENERAL, "2026-10-03 11:00", "2026-10-08 23:59:59", "2026-10-08 23:59:59"),
    (Channel.WINDOW, Urgency.COMPLEX, "2026-09-25 10:00", "2026-10-09 23:59:59", "2026-10-08 23:59:59"),
    (Channel.HOTLINE, Urgency.GENERAL, "2026-10-09 17:45", "2026-10-15 23:59:59", "2026-10-14 23:59:59"),
]


@pytest.mark.parametrize(("channel", "urgency", "start", "due", "warn"), EXAMPLES)
def test_worked_examples_across_national_day(cases, channel, urgency, start, due, warn):
    ticket = cases.new(channel=channel, urgency=urgency)
    ticket = do_dispatch(
        acting_user=cases.dispatcher, ticket_id=ticket.pk, lead_unit_id=cases.shuyang_gov.pk, now=at(start)
    )
    assert local(ticket.deadline_start) == f"{start}:00"
    assert local(ticket.due_at) == due
    assert local(ticket.warn_at) == warn
    assert ticket.due_provisional is False
    assert ticket.deadline_state == DeadlineState.NORMAL


def test_docs_show_the_same_examples_as_the_code():
    text = DOC.read_text(encoding="utf-8")
    for _channel, _urgency, start, due, _warn in EXAMPLES:
        assert start in text, f"{start} missing from docs"
        assert due in text, f"{due} missing from docs"
    # Every "received → due" pair written in the document's example table is one of EXAMPLES.
    pairs = set(
        re.findall(r"\|\s*(\d{4}-\d\d-\d\d \d\d:\d\d)[^|]*\|[^|]*\|\s*(\d{4}-\d\d-\d\d 23:59:59)", text)
    )
    assert pairs, "the example table was not found"
    assert pairs <= {(s, d) for _c, _u, s, d, _w in EXAMPLES}


def test_mayor_general_case_dispatched_before_national_day_is_due_on_13_october(cases):
    deadline = compute_deadline(at("2026-09-30 15:00"), 5)
    assert local(deadline.due_at) == "2026-10-13 23:59:59"


def test_window_case_received_on_a_make_up_saturday_is_due_that_day(cases):
    policy = policy_for(Channel.WINDOW, Urgency.GENERAL)
    assert policy.workdays == 0
    deadline = compute_deadline(at("2026-10-10 09:30"), policy.workdays, policy.warn_workdays)
    assert local(deadline.due_at) == "2026-10-10 23:59:59"


def test_deadline_of_a_year_without_official_calendar_is_provisional(cases):
    # The calendar package knows no holidays beyond its last year: weekends only, flagged.
    deadline = compute_deadline(at("2099-12-30 10:00"), 5)
    assert deadline.provisional is True


# --- missing policy -------------------------------------------------------------------------


def test_dispatch_without_a_policy_for_channel_and_urgency_is_refused(cases):
    DeadlinePolicy.objects.filter(channel=Channel.MAYOR, urgency=Urgency.COMPLEX).delete()
    ticket = cases.new(channel=Channel.MAYOR, urgency=Urgency.COMPLEX)
    with pytest.raises(ApplicationError) as exc:
        do_dispatch(
            acting_user=cases.dispatcher,
            ticket_id=ticket.pk,
            lead_unit_id=cases.shuyang_gov.pk,
            now=at("2026-09-30 15:00"),
        )
    assert exc.value.code == "deadline_rule_missing"
    assert exc.value.message == "未配置“企业问题直达市长·复杂”的办理时限规则，请联系管理员"
    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING_DISPATCH and ticket.due_at is None and ticket.version == 1


def test_missing_policy_through_the_api_is_400_deadline_rule_missing(cases, login):
    DeadlinePolicy.objects.filter(channel=Channel.PORTAL, urgency=Urgency.URGENT).delete()
    ticket = cases.new(urgency=Urgency.URGENT)
    response = login(cases.dispatcher).post(
        f"/api/v1/cases/{ticket.pk}/dispatch",
        {"version": 1, "lead_unit_id": cases.shuyang_gov.pk},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "deadline_rule_missing"
    assert "企业网上诉求·紧急" in response.json()["message"]


# --- the deadline is fixed at the first dispatch --------------------------------------------------


def test_return_and_redispatch_keep_the_first_deadline(cases):
    from bangban.tickets.actions import do_return

    ticket = cases.dispatched(now=at("2026-09-30 15:00"), channel=Channel.MAYOR)
    first_due = ticket.due_at
    do_return(
        acting_user=cases.handler_shuyang,
        ticket_id=ticket.pk,
        reason="不属于本县职责",
        now=at("2026-10-08 09:00"),
    )
    ticket = do_dispatch(
        acting_user=cases.dispatcher,
        ticket_id=ticket.pk,
        lead_unit_id=cases.siyang_gov.pk,
        now=at("2026-10-09 09:00"),
    )
    assert ticket.due_at == first_due
    assert local(ticket.deadline_start) == "2026-09-30 15:00:00"


# --- extensions (延期) ------------------------------------------------------------------------


def test_approved_extension_moves_due_and_warning_by_working_days_across_a_weekend(cases):
    ticket = cases.in_progress(now=at("2026-10-09 10:00"), channel=Channel.MAYOR)
    assert local(ticket.due_at) == "2026-10-15 23:59:59"  # 10 (调休 Saturday), 12, 13, 14, 15
    request = do_request_extension(
        acting_user=cases.handler_shuyang,
        ticket_id=ticket.pk,
        workdays=3,
        reason="需现场核查",
        now=at("2026-10-12 09:00"),
    )
    do_decide_request(
        acting_user=cases.dispatcher, request_id=request.pk, approve=True, now=at("2026-10-12 10:00")
    )
    ticket.refresh_from_db()
    assert local(ticket.due_at) == "2026-10-20 23:59:59"  # Thu 15 → Fri 16, Mon 19, Tue 20
    assert local(ticket.warn_at) == "2026-10-19 23:59:59"
    assert ticket.extensions_used == 1
    assert ticket.status == Status.IN_PROGRESS


def test_a_second_extension_beyond_the_policy_limit_is_refused(cases):
    ticket = cases.in_progress(now=at("2026-10-09 10:00"))
    request = do_request_extension(
        acting_user=cases.handler_shuyang,
        ticket_id=ticket.pk,
        workdays=2,
        reason="需协调",
        now=at("2026-10-12 09:00"),
    )
    do_decide_request(
        acting_user=cases.dispatcher, request_id=request.pk, approve=True, now=at("2026-10-12 10:00")
    )
    with pytest.raises(ValidationFailed) as exc:
        do_request_extension(
            acting_user=cases.handler_shuyang,
            ticket_id=ticket.pk,
            workdays=2,
            reason="仍需协调",
            now=at("2026-10-13 09:00"),
        )
    assert exc.value.code == "extension_limit"


def test_extension_limit_through_the_api(cases, login):
    ticket = cases.in_progress(now=at("2026-10-09 10:00"))
    ticket.extensions_used = 1
    ticket.save(update_fields=["extensions_used"])
    response = login(cases.handler_shuyang).post(
        f"/api/v1/cases/{ticket.pk}/extension-requests",
        {"version": ticket.version, "workdays": 2, "reason": "需协调"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "extension_limit"


def test_only_one_pending_extension_at_a_time(cases):
    ticket = cases.in_progress(now=at("2026-10-09 10:00"))
    do_request_extension(acting_user=cases.handler_shuyang, ticket_id=ticket.pk, workdays=2, reason="一")
    with pytest.raises(ValidationFailed) as exc:
        do_request_extension(acting_user=cases.handler_shuyang, ticket_id=ticket.pk, workdays=2, reason="二")
    assert exc.value.code == "request_pending"


def test_rejected_extension_leaves_the_deadline(cases):
    ticket = cases.in_progress(now=at("2026-10-09 10:00"))
    due = ticket.due_at
    request = do_request_extension(
        acting_user=cases.handler_shuyang, ticket_id=ticket.pk, workdays=2, reason="一"
    )
    do_decide_request(
        acting_user=cases.dispatcher, request_id=request.pk, approve=False, comment="时限内可办结"
    )
    ticket.refresh_from_db()
    request.refresh_from_db()
    assert ticket.due_at == due and ticket.extensions_used == 0
    assert request.status == "rejected" and request.decision_comment == "时限内可办结"


# --- suspension (挂起) ------------------------------------------------------------------------


def test_suspension_over_national_day_moves_the_due_date_by_the_working_days_suspended(cases):
    # Mayor channel, general (5 working days), received Thursday 24 September: due 9 October.
    ticket = cases.in_progress(now=at("2026-09-24 10:00"), channel=Channel.MAYOR)
    assert local(ticket.due_at) == "2026-10-09 23:59:59"
    request = do_request_suspension(
        acting_user=cases.handler_shuyang,
        ticket_id=ticket.pk,
        reason="等待企业补充材料",
        now=at("2026-09-29 09:00"),
    )
    do_decide_request(
        acting_user=cases.dispatcher, request_id=request.pk, approve=True, now=at("2026-09-29 10:00")
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.SUSPENDED and local(ticket.suspended_at) == "2026-09-29 10:00:00"
    # Resumed Friday 9 October: 30 Sep, 8 Oct and 9 Oct were working days lost (1–7 Oct are holidays).
    ticket = do_resume(acting_user=cases.handler_shuyang, ticket_id=ticket.pk, now=at("2026-10-09 09:00"))
    assert ticket.status == Status.IN_PROGRESS and ticket.suspended_at is None
    assert local(ticket.due_at) == "2026-10-13 23:59:59"  # 9 Oct + 10 (调休 Saturday), 12, 13
    assert local(ticket.warn_at) == "2026-10-12 23:59:59"
    resume = TicketEvent.objects.get(ticket=ticket, kind="resume")
    assert resume.data == {"shift_workdays": 3}


def test_a_dispatcher_may_resume_a_suspended_case(cases):
    ticket = cases.in_progress(now=at("2026-09-24 10:00"))
    request = do_request_suspension(acting_user=cases.handler_shuyang, ticket_id=ticket.pk, reason="等待材料")
    do_decide_request(
        acting_user=cases.dispatcher, request_id=request.pk, approve=True, now=at("2026-09-28 10:00")
    )
    ticket = do_resume(acting_user=cases.dispatcher, ticket_id=ticket.pk, now=at("2026-09-28 16:00"))
    assert ticket.status == Status.IN_PROGRESS


def test_suspended_case_keeps_its_colour_while_the_clock_is_stopped(cases):
    ticket = cases.in_progress(now=at("2026-09-24 10:00"))
    request = do_request_suspension(acting_user=cases.handler_shuyang, ticket_id=ticket.pk, reason="等待材料")
    do_decide_request(
        acting_user=cases.dispatcher, request_id=request.pk, approve=True, now=at("2026-09-28 10:00")
    )
    ticket.refresh_from_db()
    long_after = ticket.due_at + dt.timedelta(days=30)
    assert deadline_state_at(ticket, long_after) == DeadlineState.NORMAL
    in_progress = cases.in_progress(now=at("2026-09-24 10:00"))
    assert deadline_state_at(in_progress, long_after) == DeadlineState.OVERDUE
    assert (
        deadline_state_at(in_progress, in_progress.warn_at + dt.timedelta(seconds=1)) == DeadlineState.WARNING
    )
    assert deadline_state_at(in_progress, at("2026-09-25 09:00")) == DeadlineState.NORMAL


# --- reopening (重办) -------------------------------------------------------------------------


def test_unsatisfied_follow_up_reopens_with_a_fresh_deadline_counted_against_the_unit(cases):
    ticket = cases.replied(
        now=at("2026-09-24 10:00"), received_at=at("2026-09-24 09:00"), channel=Channel.MAYOR
    )
    old_due = ticket.due_at
    ticket = _followed(
        do_follow_up(
            acting_user=cases.dispatcher,
            ticket_id=ticket.pk,
            resolved=False,
            satisfaction=Satisfaction.DISSATISFIED,
            comment="问题没有解决",
            now=at("2026-10-09 11:00"),
        )
    )
    assert ticket.status == Status.IN_PROGRESS
    assert ticket.reopen_count == 1
    assert ticket.lead_unit_id == cases.shuyang_gov.pk
    assert ticket.due_at != old_due
    assert local(ticket.deadline_start) == "2026-10-09 11:00:00"
    assert local(ticket.due_at) == "2026-10-15 23:59:59"  # 10 (调休 Saturday), 12, 13, 14, 15
    event = TicketEvent.objects.get(ticket=ticket, kind="reopen")
    assert event.data is not None
    assert event.data["counts_against_unit_id"] == cases.shuyang_gov.pk
    assert "计入" in event.note and cases.shuyang_gov.name in event.note


# --- provisional deadlines ---------------------------------------------------------------------


def test_provisional_deadlines_are_recomputed_once_the_calendar_knows_the_year(cases):
    from bangban.tickets.models import DeadlineRequest, RequestKind, Ticket
    from bangban.tickets.sweeper import recompute_provisional_deadlines

    ticket = cases.in_progress(now=at("2026-09-24 10:00"), channel=Channel.MAYOR)
    # As computed before 2026's holidays were loaded (weekends only): 25, 28, 29, 30 Sep, 1 Oct.
    Ticket.objects.filter(pk=ticket.pk).update(
        due_at=at("2026-10-01 23:59:59"), warn_at=at("2026-09-30 23:59:59"), due_provisional=True
    )
    DeadlineRequest.objects.create(
        ticket=ticket,
        kind=RequestKind.EXTENSION,
        reason="协调",
        workdays=2,
        status="approved",
        requested_by=cases.handler_shuyang,
        requested_at=at("2026-09-28 09:00"),
        decided_at=at("2026-09-28 10:00"),
    )
    assert recompute_provisional_deadlines(at("2026-11-20 03:10")) == 1
    ticket.refresh_from_db()
    # 5 working days with the official calendar end 9 Oct; the extension adds 10 (调休) and 12 Oct.
    assert local(ticket.due_at) == "2026-10-12 23:59:59"
    assert local(ticket.warn_at) == "2026-10-10 23:59:59"
    assert ticket.due_provisional is False
    assert TicketEvent.objects.filter(ticket=ticket, kind="deadline_recomputed").count() == 1
    assert recompute_provisional_deadlines(at("2026-11-21 03:10")) == 0


def test_the_recomputation_runs_daily(cases):
    from bangban.core.scheduler import registered_jobs

    job = registered_jobs()["tickets.recompute_provisional_deadlines"]
    assert job.period(at("2026-11-20 03:00")) is None
    assert job.period(at("2026-11-20 03:15")) == "2026-11-20"


def _followed(follow_up: FollowUp | None) -> Ticket:
    """The case of the follow-up `do_follow_up` recorded."""
    assert follow_up is not None
    return follow_up.ticket
