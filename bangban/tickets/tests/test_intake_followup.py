"""The dispatchers' notices of a new case follow the intake's commit in a task: the task row is
written in the intake's transaction (committed with the case, never lost), a worker writes the
messages, a failed run stays visible and is run again, and running it twice writes nothing twice."""

from __future__ import annotations

from typing import Any

from django.test import override_settings
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from bangban.conftest import DB_TASKS
from bangban.conftest import run_queued as run_all
from bangban.core.worker import requeue
from bangban.notifications.models import OutboxMessage
from bangban.tickets.intake import notices

from .test_intake_api import token_client

TASK_PATH = "bangban.tickets.intake.notices.announce_new_cases"


def file_case(client: Any) -> dict[str, Any]:
    response = client.post(
        "/api/v1/cases",
        {"title": "厂区周边道路破损", "content": "厂区门口道路破损严重，货车进出困难。", "category": "1201"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    return response.json()


def run_queued() -> list[DBTaskResult]:
    return run_all(TASK_PATH)


def notices_of(number: str) -> Any:
    return OutboxMessage.objects.filter(subject=f"新诉求待派单：{number}")


def test_the_notice_is_a_task_queued_with_the_case_and_sent_by_a_worker(cases):
    client = token_client(cases.admin, cases.biz_office)
    with override_settings(TASKS=DB_TASKS):
        case = file_case(client)
        # The request wrote the task row with the case, and no message yet.
        assert not notices_of(case["number"]).exists()
        queued = DBTaskResult.objects.get(task_path=TASK_PATH)
        assert queued.status == TaskResultStatus.READY
        assert queued.args_kwargs["args"][0] == [case["id"]]

        [row] = run_queued()
        assert row.status == TaskResultStatus.SUCCESSFUL
        assert notices_of(case["number"]).filter(recipient=cases.dispatcher).count() == 1
        count = notices_of(case["number"]).count()

        # A worker lost after writing the messages leaves the task to run again: nothing twice.
        requeue(row.pk, TaskResultStatus.SUCCESSFUL)
        [again] = run_queued()
        assert again.status == TaskResultStatus.SUCCESSFUL
        assert notices_of(case["number"]).count() == count


def test_a_failed_notice_task_stays_visible_and_runs_again(cases, monkeypatch):
    client = token_client(cases.admin, cases.biz_office)
    with override_settings(TASKS=DB_TASKS):
        case = file_case(client)
        original = notices.notify_dispatchers

        def broken(*args: Any, **kwargs: Any) -> Any:
            raise RuntimeError("outbox unavailable")

        monkeypatch.setattr(notices, "notify_dispatchers", broken)
        [row] = run_queued()
        assert row.status == TaskResultStatus.FAILED
        assert row.exception_class_path == "builtins.RuntimeError"
        assert not notices_of(case["number"]).exists()

        monkeypatch.setattr(notices, "notify_dispatchers", original)
        requeue(row.pk, TaskResultStatus.FAILED)
        [retried] = run_queued()
        assert retried.status == TaskResultStatus.SUCCESSFUL
        assert notices_of(case["number"]).filter(recipient=cases.dispatcher).count() == 1
