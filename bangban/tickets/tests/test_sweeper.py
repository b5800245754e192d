"""The deadline sweeper (issue 3 item 7): cases entering 临期 and 超期 are marked and the handler,
the unit head and the dispatchers are told — once per threshold, even with two workers sweeping
at the same time (proved on PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from bangban.notifications.models import InAppMessage, OutboxMessage
from bangban.tickets import actions
from bangban.tickets.models import DeadlineAlert, Ticket, TicketEvent, Visibility
from bangban.tickets.sweeper import _Recipients, announce, sweep_deadlines
from bangban.tickets.workflow import DeadlineState, Status
from bangban.workdays.arithmetic import SHANGHAI

from .conftest import T0, make_ticket

# A portal case (5 working days) received by the unit on Tuesday 29 September 2026, 10:00:
# 30 Sep, 8, 9, 10 (调休), 12 Oct → due 12 Oct 23:59:59; 临期 from 10 Oct 23:59:59.
DUE = dt.datetime(2026, 10, 12, 23, 59, 59, tzinfo=SHANGHAI)
WARN = dt.datetime(2026, 10, 10, 23, 59, 59, tzinfo=SHANGHAI)
IN_WARNING = dt.datetime(2026, 10, 11, 9, 0, tzinfo=SHANGHAI)
OVERDUE = dt.datetime(2026, 10, 13, 9, 0, tzinfo=SHANGHAI)


def alerts(ticket: Ticket) -> list[tuple[str, dt.datetime]]:
    return list(DeadlineAlert.objects.filter(ticket=ticket).order_by("id").values_list("threshold", "due_at"))


def subjects_to(user) -> list[str]:
    return sorted(OutboxMessage.objects.filter(recipient=user).values_list("subject", flat=True))


def deadline_messages() -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(dedupe_key__startswith="ticket-deadline:"))


def test_warning_then_overdue_each_marked_and_announced_once(cases):
    ticket = cases.in_progress()
    assert (ticket.due_at, ticket.warn_at) == (DUE, WARN)
    OutboxMessage.objects.all().delete()

    assert sweep_deadlines(WARN - dt.timedelta(seconds=1))["warning"] == 0
    counts = sweep_deadlines(IN_WARNING)
    assert counts["warning"] == 1 and counts["overdue"] == 0 and counts["alerts"] == 1
    ticket.refresh_from_db()
    assert ticket.deadline_state == DeadlineState.WARNING and ticket.overdue_at is None
    assert alerts(ticket) == [("warning", DUE)]
    # The handler, the head of the lead unit, and both dispatchers covering 沭阳 — once each.
    told = {m.recipient_id for m in deadline_messages()}
    assert told == {
        cases.handler_shuyang.pk,
        cases.head_shuyang.pk,
        cases.dispatcher.pk,
        cases.county_dispatcher.pk,
    }
    assert len(deadline_messages()) == 4
    assert subjects_to(cases.handler_shuyang) == [f"诉求临期：{ticket.number}"]
    assert subjects_to(cases.handler_shuyang2) == [] and subjects_to(cases.head_siyang) == []

    again = sweep_deadlines(IN_WARNING + dt.timedelta(minutes=5))
    assert again == {
        "warning": 0,
        "overdue": 0,
        "dispatch_warning": 0,
        "dispatch_overdue": 0,
        "alerts": 0,
        "notifications": 0,
        "batches": 0,
    }
    assert len(deadline_messages()) == 4

    counts = sweep_deadlines(OVERDUE)
    assert counts["overdue"] == 1 and counts["alerts"] == 1
    ticket.refresh_from_db()
    assert ticket.deadline_state == DeadlineState.OVERDUE and ticket.overdue_at == OVERDUE
    assert alerts(ticket) == [("warning", DUE), ("overdue", DUE)]
    assert subjects_to(cases.head_shuyang) == ["1 件诉求临期提醒", "1 件诉求超期提醒"]
    digest = OutboxMessage.objects.get(recipient=cases.dispatcher, subject="1 件诉求超期提醒")
    assert ticket.number in digest.body and "deadline=overdue" in digest.link
    assert len(deadline_messages()) == 8

    sweep_deadlines(OVERDUE + dt.timedelta(days=3))
    ticket.refresh_from_db()
    assert ticket.overdue_at == OVERDUE
    assert len(deadline_messages()) == 8
    timeline = list(
        TicketEvent.objects.filter(ticket=ticket, kind__in=["warning", "overdue"]).values_list(
            "kind", "visibility"
        )
    )
    assert timeline == [("warning", Visibility.INTERNAL), ("overdue", Visibility.INTERNAL)]


def test_messages_reach_the_inbox_after_the_sweep_commits(cases, django_capture_on_commit_callbacks):
    ticket = cases.in_progress()
    with django_capture_on_commit_callbacks(execute=True):
        sweep_deadlines(OVERDUE)
    inbox = InAppMessage.objects.filter(user=cases.handler_shuyang, subject=f"诉求超期：{ticket.number}")
    assert inbox.count() == 1
    assert str(ticket.pk) in inbox.get().link


def test_a_case_that_crossed_both_thresholds_between_sweeps_is_announced_once_as_overdue(cases):
    ticket = cases.in_progress()
    counts = sweep_deadlines(OVERDUE)
    assert counts["overdue"] == 1 and counts["warning"] == 0
    assert alerts(ticket) == [("overdue", DUE)]
    assert subjects_to(cases.handler_shuyang).count(f"诉求超期：{ticket.number}") == 1
    assert f"诉求临期：{ticket.number}" not in subjects_to(cases.handler_shuyang)


def test_suspended_and_finished_cases_are_skipped(cases):
    suspended = cases.in_progress()
    request = actions.do_request_suspension(
        acting_user=cases.handler_shuyang, ticket_id=suspended.pk, reason="等材料"
    )
    actions.do_decide_request(acting_user=cases.dispatcher, request_id=request.pk, approve=True, now=T0)
    replied = cases.replied()
    counts = sweep_deadlines(OVERDUE + dt.timedelta(days=30))
    assert counts["overdue"] == 0
    assert alerts(suspended) == [] and alerts(replied) == []
    suspended.refresh_from_db()
    assert suspended.deadline_state == DeadlineState.NORMAL and suspended.status == Status.SUSPENDED


def test_an_extension_gives_a_new_due_instant_that_is_announced_again(cases):
    ticket = cases.in_progress()
    sweep_deadlines(IN_WARNING)
    request = actions.do_request_extension(
        acting_user=cases.handler_shuyang, ticket_id=ticket.pk, workdays=3, reason="需协调", now=IN_WARNING
    )
    actions.do_decide_request(
        acting_user=cases.dispatcher, request_id=request.pk, approve=True, now=IN_WARNING
    )
    ticket.refresh_from_db()
    new_due = ticket.due_at
    assert new_due > DUE and ticket.deadline_state == DeadlineState.NORMAL
    assert sweep_deadlines(IN_WARNING)["warning"] == 0
    counts = sweep_deadlines(new_due + dt.timedelta(hours=1))
    assert counts["overdue"] == 1
    assert alerts(ticket) == [("warning", DUE), ("overdue", new_due)]


def test_a_returned_case_keeps_its_clock_and_the_dispatchers_are_told(cases):
    ticket = cases.in_progress()
    actions.do_return(acting_user=cases.handler_shuyang, ticket_id=ticket.pk, reason="非本单位职责", now=T0)
    OutboxMessage.objects.all().delete()
    counts = sweep_deadlines(OVERDUE)
    assert counts["overdue"] == 1
    assert {m.recipient_id for m in deadline_messages()} == {cases.dispatcher.pk, cases.county_dispatcher.pk}


def test_a_sweep_is_set_based_its_query_count_does_not_grow_with_the_cases(cases):
    def run(n: int) -> int:
        for _ in range(n):
            make_ticket(
                status=Status.IN_PROGRESS,
                lead_unit=cases.shuyang_gov,
                handler=cases.handler_shuyang,
                region=cases.shucheng,
                due_at=DUE,
                warn_at=WARN,
                deadline_state=DeadlineState.NORMAL,
            )
        with CaptureQueriesContext(connection) as queries:
            counts = sweep_deadlines(OVERDUE)
        assert counts["overdue"] == n
        return len(queries)

    # (Sizes that fit in one INSERT per table on SQLite, whose statements take at most 999 values.)
    few = run(2)
    many = run(15)
    assert few == many


def test_the_sweep_task_runs_the_sweeper_and_the_job_runs_every_five_minutes(cases):
    from bangban.core.scheduler import registered_jobs
    from bangban.tickets.tasks import sweep_deadlines_task

    job = registered_jobs()["tickets.sweep_deadlines"]
    assert job.task is sweep_deadlines_task
    noon = dt.datetime(2026, 10, 12, 12, 3, tzinfo=SHANGHAI)
    assert (
        job.period(noon)
        == job.period(noon + dt.timedelta(minutes=1))
        != job.period(noon + dt.timedelta(minutes=3))
    )
    ticket = make_ticket(
        status=Status.IN_PROGRESS,
        lead_unit=cases.shuyang_gov,
        handler=cases.handler_shuyang,
        due_at=dt.datetime(2020, 1, 1, tzinfo=SHANGHAI),
        warn_at=dt.datetime(2019, 12, 31, tzinfo=SHANGHAI),
        deadline_state=DeadlineState.NORMAL,
    )
    result = sweep_deadlines_task.enqueue()
    assert result.return_value is not None and result.return_value["overdue"] == 1
    ticket.refresh_from_db()
    assert ticket.deadline_state == DeadlineState.OVERDUE


# --- several workers at once (PostgreSQL) -------------------------------------------------------

needs_pg = pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent workers need PostgreSQL")


def _open_cases(cases, n: int) -> list[int]:
    ids = []
    for i in range(n):
        ticket = make_ticket(
            status=Status.IN_PROGRESS,
            lead_unit=cases.shuyang_gov,
            handler=cases.handler_shuyang if i % 2 else cases.handler_shuyang2,
            region=cases.shucheng,
            due_at=DUE,
            warn_at=WARN,
            deadline_state=DeadlineState.NORMAL,
        )
        ids.append(ticket.pk)
    return ids


def _run_together(*jobs) -> list[BaseException]:
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def worker(job) -> None:
        try:
            barrier.wait()
            job()
        except BaseException as exc:  # reported by the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def _assert_each_once(cases, ids: list[int], threshold: str) -> None:
    """Each case has one alert and one timeline entry; its handler got one message about it, and
    each head and dispatcher saw it in exactly one summary."""
    per_ticket = dict(
        DeadlineAlert.objects.filter(ticket_id__in=ids, threshold=threshold)
        .values("ticket_id")
        .annotate(n=Count("id"))
        .values_list("ticket_id", "n")
    )
    assert per_ticket == dict.fromkeys(ids, 1)
    events = dict(
        TicketEvent.objects.filter(ticket_id__in=ids, kind=threshold)
        .values("ticket_id")
        .annotate(n=Count("id"))
        .values_list("ticket_id", "n")
    )
    assert events == dict.fromkeys(ids, 1)
    word = "超期" if threshold == "overdue" else "临期"
    tickets = list(Ticket.objects.filter(pk__in=ids).values_list("number", "handler_id"))
    personal = list(
        OutboxMessage.objects.filter(subject__startswith=f"诉求{word}：").values_list(
            "subject", "recipient_id"
        )
    )
    assert sorted(personal) == sorted((f"诉求{word}：{number}", handler) for number, handler in tickets)
    for overseer in (cases.head_shuyang, cases.dispatcher, cases.county_dispatcher):
        bodies = list(
            OutboxMessage.objects.filter(recipient=overseer, subject__endswith=f"诉求{word}提醒").values_list(
                "body", flat=True
            )
        )
        listed = [line.split("「")[0] for body in bodies for line in body.splitlines()[1:]]
        assert sorted(listed) == sorted(number for number, _ in tickets)
    keys = OutboxMessage.objects.values("dedupe_key").annotate(n=Count("id")).filter(n__gt=1)
    assert list(keys) == []
    inbox = InAppMessage.objects.values("user_id", "subject", "body").annotate(n=Count("id")).filter(n__gt=1)
    assert list(inbox) == []


@needs_pg
@pytest.mark.django_db(transaction=True)
def test_two_sweepers_at_once_announce_each_threshold_exactly_once(cases):
    ids = _open_cases(cases, 60)
    OutboxMessage.objects.all().delete()
    results: list[dict] = []
    errors = _run_together(
        lambda: results.append(sweep_deadlines(OVERDUE, batch_size=7)),
        lambda: results.append(sweep_deadlines(OVERDUE, batch_size=7)),
    )
    assert errors == []
    assert sum(r["overdue"] for r in results) == 60
    assert sum(r["alerts"] for r in results) == 60
    _assert_each_once(cases, ids, "overdue")
    assert Ticket.objects.filter(pk__in=ids, deadline_state=DeadlineState.OVERDUE).count() == 60


@needs_pg
@pytest.mark.django_db(transaction=True)
def test_even_two_workers_that_read_the_same_cases_announce_each_once(cases):
    """Without the claim (both workers hold the same rows in hand), the unique alert row alone
    decides who announces."""
    ids = _open_cases(cases, 18)  # one batch, all listed in each summary
    OutboxMessage.objects.all().delete()
    rows: list[dict[str, Any]] = [
        dict(row)
        for row in Ticket.objects.filter(pk__in=ids)
        .order_by("id")
        .values(
            "id", "number", "title", "due_at", "handler_id", "lead_unit_id", "intake_unit_id", "region_id"
        )
    ]
    announced: list[int] = []

    def worker() -> None:
        with transaction.atomic():
            announced.append(announce(rows, DeadlineState.WARNING, IN_WARNING, _Recipients())["alerts"])

    errors = _run_together(worker, worker)
    assert errors == []
    assert sorted(announced) == [0, 18]
    _assert_each_once(cases, ids, "warning")
