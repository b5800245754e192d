"""What follows a dispatch (the units' messages, the routing advisor's record) is a task queued in
the dispatch's transaction: the dispatch answers without them, a worker writes them, and a task run
twice after a lost worker queues no message twice; the units told are those the dispatch named,
even if the case was reassigned before the worker ran."""

from __future__ import annotations

from typing import Any

from django.test import override_settings
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from bangban.conftest import DB_TASKS
from bangban.conftest import run_queued as run_all
from bangban.core.worker import requeue
from bangban.notifications.models import OutboxMessage
from bangban.tickets.actions import do_dispatch, do_reassign

TASK_PATH = "bangban.tickets.dispatch_followup.follow_dispatch"


def run_queued() -> list[DBTaskResult]:
    return run_all(TASK_PATH)


def told(number: str) -> Any:
    return OutboxMessage.objects.filter(subject=f"新诉求待签收：{number}")


def test_the_units_are_told_by_a_task_queued_with_the_dispatch(cases):
    ticket = cases.new()
    with override_settings(TASKS=DB_TASKS):
        do_dispatch(acting_user=cases.dispatcher, ticket_id=ticket.pk, lead_unit_id=cases.shuyang_gov.pk)
        # The dispatch wrote its task row and no message yet.
        assert not told(ticket.number).exists()
        queued = DBTaskResult.objects.get(task_path=TASK_PATH)
        assert queued.status == TaskResultStatus.READY and queued.args_kwargs["args"][0] == ticket.pk

        [row] = run_queued()
        assert row.status == TaskResultStatus.SUCCESSFUL
        recipients = set(told(ticket.number).values_list("recipient_id", flat=True))
        assert cases.handler_shuyang.pk in recipients
        count = told(ticket.number).count()

        # A worker lost after writing the messages leaves the task to run again: nothing twice.
        requeue(row.pk, TaskResultStatus.SUCCESSFUL)
        [again] = run_queued()
        assert again.status == TaskResultStatus.SUCCESSFUL
        assert told(ticket.number).count() == count


def test_the_task_tells_the_unit_the_dispatch_named_even_after_a_reassignment(cases):
    ticket = cases.new()
    with override_settings(TASKS=DB_TASKS):
        do_dispatch(acting_user=cases.dispatcher, ticket_id=ticket.pk, lead_unit_id=cases.shuyang_gov.pk)
        do_reassign(
            acting_user=cases.dispatcher,
            ticket_id=ticket.pk,
            lead_unit_id=cases.siyang_gov.pk,
            reason="属地调整",
        )
        run_queued()
    recipients = set(told(ticket.number).values_list("recipient_id", flat=True))
    assert cases.handler_shuyang.pk in recipients
    # The reassignment tells 泗阳 itself, in its own request (改派).
    assert OutboxMessage.objects.filter(
        subject=f"新诉求待签收：{ticket.number}", body__contains="改派", recipient__unit=cases.siyang_gov
    ).exists()
