"""Operations: `/readyz`, `/metrics` (its access control and the task queue's figures) and request
ids — echoed, validated, written on every log record and carried into the tasks a request queues."""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from bangban.conftest import DB_TASKS, queue_worker
from bangban.core import health, metrics
from bangban.core.observability import (
    JsonFormatter,
    RequestIdFilter,
    RequestIdMiddleware,
    current_request_id,
    valid_request_id,
)
from bangban.core.taskqueue import request_id_of
from bangban.core.tests.fault_tasks import mark

LOOPBACK = ["127.0.0.1/32", "::1/128"]


@pytest.fixture
def fresh_health(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(health, "_migrations_complete", False)


# --- /readyz --------------------------------------------------------------------------------------


def test_readyz_ready_when_database_migrations_and_queue_answer(
    client: Any, db: Any, fresh_health: None
) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready"}


def test_readyz_503_with_the_reason_when_a_migration_is_missing(
    client: Any, db: Any, fresh_health: None
) -> None:
    recorder = MigrationRecorder(connection)
    app, name = max(
        ((m.app, m.name) for m in recorder.migration_qs.filter(app="core")), key=lambda pair: pair[1]
    )
    recorder.record_unapplied(app, name)
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not_ready"
    assert body["problems"][0]["check"] == "migrations" and "migrate" in body["problems"][0]["reason"]
    recorder.record_applied(app, name)
    assert client.get("/readyz").status_code == 200


def test_readyz_503_when_the_database_does_not_answer(
    client: Any, db: Any, fresh_health: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(health, "database_problem", lambda: "数据库无法连接：OperationalError")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["problems"] == [
        {"check": "database", "reason": "数据库无法连接：OperationalError"}
    ]


# --- /metrics: who may scrape -----------------------------------------------------------------


def test_metrics_refused_by_default_in_tests_and_to_other_addresses(client: Any, db: Any) -> None:
    assert client.get("/metrics").status_code == 404
    with override_settings(BANGBAN_METRICS_ALLOWED=["10.1.0.0/16"]):
        assert client.get("/metrics").status_code == 404  # the test client is 127.0.0.1
        assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200


def test_metrics_allowed_from_loopback_but_not_for_a_forwarded_request(client: Any, db: Any) -> None:
    with override_settings(BANGBAN_METRICS_ALLOWED=LOOPBACK):
        assert client.get("/metrics").status_code == 200
        # A local reverse proxy that is not trusted forwards an internet client: refused.
        assert client.get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 404
    with override_settings(
        BANGBAN_METRICS_ALLOWED=["192.0.2.0/24"], BANGBAN_TRUSTED_PROXIES=["127.0.0.1/32"]
    ):
        # Through a trusted proxy, the forwarded client's address is the one checked.
        assert client.get("/metrics", HTTP_X_FORWARDED_FOR="192.0.2.7").status_code == 200
        assert client.get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 404


def test_metrics_with_the_bearer_token_from_anywhere(client: Any, db: Any) -> None:
    token = "s3cret-scrape-token-0123456789"
    with override_settings(BANGBAN_METRICS_TOKEN=token):
        ok = client.get("/metrics", REMOTE_ADDR="198.51.100.4", HTTP_AUTHORIZATION=f"Bearer {token}")
        assert ok.status_code == 200
        assert ok["Content-Type"].startswith("text/plain")
        wrong = client.get("/metrics", REMOTE_ADDR="198.51.100.4", HTTP_AUTHORIZATION="Bearer nope")
        assert wrong.status_code == 404
        assert client.get("/metrics", REMOTE_ADDR="198.51.100.4").status_code == 404


# --- /metrics: content ------------------------------------------------------------------------------


def scrape(client: Client) -> str:
    with override_settings(BANGBAN_METRICS_ALLOWED=LOOPBACK):
        response = client.get("/metrics")
    assert response.status_code == 200
    return response.content.decode()


def value(text: str, name: str, **labels: str) -> float:
    """The value of one sample of the exposition, by name and (a subset of) its labels."""
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(name):
            continue
        head, _, number = line.rpartition(" ")
        metric, _, label_text = head.partition("{")
        if metric != name:
            continue
        if all(f'{k}="{v}"' in label_text for k, v in labels.items()):
            return float(number)
    raise AssertionError(f"no sample {name} {labels} in\n{text}")


def test_request_figures_by_route_name_and_status_class(client: Any, db: Any) -> None:
    client.get("/healthz")
    client.get("/no/such/page/12345")
    text = scrape(client)
    assert (
        value(text, "bangban_http_requests_total", route="core:healthz", method="GET", status_class="2xx")
        >= 1
    )
    assert value(text, "bangban_http_requests_total", route="unmatched", status_class="4xx") >= 1
    assert value(text, "bangban_http_request_duration_seconds_count", route="core:healthz", method="GET") >= 1
    assert "/no/such/page" not in text  # never the raw path


def test_task_queue_figures(client: Any, db: Any) -> None:
    now = timezone.now()
    with override_settings(TASKS=DB_TASKS):
        mark.enqueue(1)
        mark.enqueue(2)
    DBTaskResult.objects.update(enqueued_at=now - dt.timedelta(minutes=5))
    failed = DBTaskResult.objects.order_by("enqueued_at", "id").first()
    assert failed is not None
    DBTaskResult.objects.filter(pk=failed.pk).update(
        status=TaskResultStatus.FAILED, started_at=now - dt.timedelta(minutes=4), finished_at=now
    )
    text = metrics.exposition(now).decode()
    assert value(text, "bangban_tasks", status="queued") == 1
    assert value(text, "bangban_tasks", status="failed") == 1
    assert value(text, "bangban_tasks", status="running") == 0
    assert 299 <= value(text, "bangban_task_oldest_queued_age_seconds") <= 301
    assert value(text, "bangban_task_recent_run_seconds", task="mark", stat="max") == pytest.approx(
        240, abs=1
    )
    assert value(text, "bangban_metrics_collector_up", collector="core") == 1


def test_a_failing_collector_does_not_fail_the_scrape(db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(now: dt.datetime) -> list[Any]:
        raise RuntimeError("boom")

    monkeypatch.setattr(metrics, "task_queue_metrics", broken)
    text = metrics.exposition(timezone.now()).decode()
    assert value(text, "bangban_metrics_collector_up", collector="core") == 0


# --- request ids -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("abc-123.X_y", True),
        ("a" * 64, True),
        ("a" * 65, False),
        ("", False),
        ("bad id", False),
        ("x;drop", False),
        ("编号1", False),
    ],
)
def test_request_id_is_echoed_when_valid_else_replaced(client: Any, db: Any, sent: str, kept: bool) -> None:
    response = client.get("/healthz", HTTP_X_REQUEST_ID=sent)
    echoed = response["X-Request-ID"]
    assert valid_request_id(echoed) == echoed
    assert (echoed == sent) is kept


def test_a_request_without_an_id_gets_a_new_one_each_time(client: Any, db: Any) -> None:
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert first != second and len(first) == 32


def test_log_records_carry_the_request_id_as_json() -> None:
    seen: list[logging.LogRecord] = []

    def view(request: Any) -> HttpResponse:
        record = logging.LogRecord("bangban.test", logging.INFO, __file__, 1, "处理中 %s", ("x",), None)
        RequestIdFilter().filter(record)
        seen.append(record)
        return HttpResponse("ok")

    response = RequestIdMiddleware(view)(RequestFactory().get("/", HTTP_X_REQUEST_ID="req-42"))
    assert response["X-Request-ID"] == "req-42"
    line = json.loads(JsonFormatter().format(seen[0]))
    assert line["request_id"] == "req-42" and line["message"] == "处理中 x" and line["level"] == "INFO"
    assert current_request_id() is None  # nothing leaks past the request


def test_a_task_queued_during_a_request_runs_under_its_id(db: Any, caplog: pytest.LogCaptureFixture) -> None:
    def view(request: Any) -> HttpResponse:
        mark.enqueue(7)
        return HttpResponse("queued")

    with override_settings(TASKS=DB_TASKS):
        RequestIdMiddleware(view)(RequestFactory().post("/", HTTP_X_REQUEST_ID="case-trace-1"))
        mark.enqueue(8)  # outside any request: no id
    rows = {r.args_kwargs["args"][0]: r for r in DBTaskResult.objects.all()}
    assert request_id_of(rows[7]) == "case-trace-1"
    assert request_id_of(rows[8]) is None
    assert rows[7].task_result.args == [7]  # the library still reads the row

    worker = queue_worker()
    caplog.handler.addFilter(RequestIdFilter())
    with override_settings(TASKS=DB_TASKS), caplog.at_level(logging.INFO, logger="bangban.worker"):
        row = rows[7]
        row.claim(worker.worker_id)
        worker.run_task(row)
    row.refresh_from_db()
    assert row.status == TaskResultStatus.SUCCESSFUL
    traced = [r for r in caplog.records if r.name == "bangban.worker" and str(row.pk) in r.getMessage()]
    assert traced and all(r.request_id == "case-trace-1" for r in traced)  # type: ignore[attr-defined]
