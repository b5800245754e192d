"""`/metrics`: open and overdue cases by escalation tier, with the case system's own 超期, and a
case filed through the API followed by its request id into the task that delivers its messages."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import pytest
from django.test import Client, override_settings
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from bangban.accounts.actions import do_create_token
from bangban.conftest import DB_TASKS, queue_worker
from bangban.core import metrics
from bangban.core.observability import RequestIdFilter
from bangban.core.taskqueue import request_id_of
from bangban.core.tests.test_operations import LOOPBACK, value
from bangban.escalation.actions import do_escalate
from bangban.tickets import public

from .conftest import T0, Esc


def file_case(client: Client, **headers: str) -> Any:
    body = {
        "title": "厂区周边道路破损",
        "content": "厂区门口道路破损严重，货车进出困难。",
        "category": "1201",
    }
    return client.post("/api/v1/cases", body, content_type="application/json", headers=headers)


def api_client(esc: Esc) -> Client:
    _token, raw = do_create_token(acting_user=esc.admin, user_id=esc.biz_office.pk, name="对接系统")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def test_a_filed_case_raises_the_open_cases_gauge_of_tier_1(esc: Esc, client: Client) -> None:
    with override_settings(BANGBAN_METRICS_ALLOWED=LOOPBACK):
        before = value(client.get("/metrics").content.decode(), "bangban_cases_open", tier="1")
        assert file_case(api_client(esc)).status_code == 201
        after = client.get("/metrics").content.decode()
    assert value(after, "bangban_cases_open", tier="1") == before + 1
    assert value(after, "bangban_metrics_collector_up", collector="escalation") == 1
    assert value(after, "bangban_metrics_collector_up", collector="notifications") == 1
    assert value(after, "bangban_outbox_messages", status="pending", channel="inapp") >= 1


def test_an_overdue_case_is_counted_under_its_tier(esc: Esc) -> None:
    ticket = esc.in_progress(now=T0)
    do_escalate(acting_user=esc.biz_office, ticket_id=ticket.pk, reason="专题会办", to_level=2, now=T0)
    esc.in_progress(now=T0)  # another, still at tier 1
    due = public.case_by_id(ticket.pk).due_at  # type: ignore[union-attr]
    assert due is not None
    before = metrics.exposition(due - dt.timedelta(minutes=1)).decode()
    after = metrics.exposition(due + dt.timedelta(minutes=1)).decode()
    assert value(before, "bangban_cases_overdue", tier="2") == 0
    assert value(after, "bangban_cases_overdue", tier="2") == 1
    assert value(after, "bangban_cases_overdue", tier="1") == 1
    assert value(after, "bangban_cases_open", tier="2") == 1
    # The same 超期 as the lists' filter.
    assert public.overdue_cases(due + dt.timedelta(minutes=1)).count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_case_is_followed_by_its_request_id_into_its_tasks(
    esc: Esc, caplog: pytest.LogCaptureFixture
) -> None:
    # Committed for real: the messages' delivery is queued when the intake commits, in the request.
    client = api_client(esc)
    with override_settings(TASKS=DB_TASKS):
        response = file_case(client, **{"X-Request-ID": "intake-trace-7"})
    assert response.status_code == 201 and response["X-Request-ID"] == "intake-trace-7"
    queued = [r for r in DBTaskResult.objects.all() if request_id_of(r) == "intake-trace-7"]
    assert queued, "the delivery of the dispatchers' messages was queued with the request id"

    worker = queue_worker("w-1")
    caplog.handler.addFilter(RequestIdFilter())
    with override_settings(TASKS=DB_TASKS), caplog.at_level(logging.INFO):
        for row in queued:
            row.claim(worker.worker_id)
            worker.run_task(row)
            row.refresh_from_db()
            assert row.status == TaskResultStatus.SUCCESSFUL
    ids = {getattr(r, "request_id", None) for r in caplog.records if r.name == "bangban.worker"}
    assert ids == {"intake-trace-7"}
