"""Database connections terminated during intake (PostgreSQL): each request either fails cleanly
(503 with {code, message}, nothing kept) or succeeds whole; no case ever exists without its
timeline and its audit event."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from bangban.audit.models import AuditEvent
from bangban.tickets.intake import service
from bangban.tickets.models import Ticket

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="faults are injected on PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def terminate_own_backend() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")


def file_case(client: Any, n: int) -> Any:
    return client.post(
        "/api/v1/cases",
        {"title": f"用电报装进度{n}", "content": "新厂房用电报装已提交一个月，仍未安排现场勘查。"},
        content_type="application/json",
    )


def assert_every_case_is_whole() -> None:
    for ticket in Ticket.objects.all():
        assert ticket.events.exists(), ticket.number
        assert AuditEvent.objects.filter(object_type__endswith="ticket", object_id=str(ticket.pk)).exists(), (
            ticket.number
        )


@pytest.mark.parametrize("point", ["before_writes", "between_case_and_timeline", "before_timeline"])
def test_a_connection_terminated_mid_intake_fails_cleanly(
    world: Any, login: Any, monkeypatch: pytest.MonkeyPatch, point: str
) -> None:
    client = login(world.enterprise_user)
    assert file_case(client, 0).status_code == 201

    if point == "before_writes":
        original_next = service.next_number

        def cut(*args: Any, **kwargs: Any) -> Any:
            terminate_own_backend()
            return original_next(*args, **kwargs)

        monkeypatch.setattr(service, "next_number", cut)
    elif point == "between_case_and_timeline":
        original_notify = service.queue_dispatcher_notices

        def cut(*args: Any, **kwargs: Any) -> Any:
            terminate_own_backend()
            return original_notify(*args, **kwargs)

        monkeypatch.setattr(service, "queue_dispatcher_notices", cut)
    else:
        original_add = service.add_events

        def cut(*args: Any, **kwargs: Any) -> Any:
            terminate_own_backend()
            return original_add(*args, **kwargs)

        monkeypatch.setattr(service, "add_events", cut)

    response = file_case(client, 1)
    assert response.status_code == 503
    assert response.json()["code"] == "database_unavailable"
    assert response.json()["message"].startswith("数据库暂时不可用")
    assert response["Retry-After"] == "5"

    monkeypatch.undo()
    # The next request gets a fresh connection and succeeds; the failed one left nothing behind.
    assert file_case(client, 2).status_code == 201
    titles = sorted(Ticket.objects.values_list("title", flat=True))
    assert titles == ["用电报装进度0", "用电报装进度2"]
    assert_every_case_is_whole()
