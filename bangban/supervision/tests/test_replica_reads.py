"""Reports read from the replica, everything else from the primary (bangban/core/replica.py).

The replica is a TEST MIRROR of default: the same database through a second connection, so each
query can be told apart by the connection that ran it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext

from bangban.core.replica import read_alias, reading_from_replica
from bangban.supervision.models import Ranking

from .conftest import make_case

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])

WRITES = ("INSERT", "UPDATE", "DELETE")


@contextmanager
def captured() -> Iterator[tuple[CaptureQueriesContext, CaptureQueriesContext]]:
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        yield primary, replica


def sqls(context: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in context.captured_queries]


def touching(context: CaptureQueriesContext, table: str) -> list[str]:
    return [sql for sql in sqls(context) if table in sql]


def writes(context: CaptureQueriesContext) -> list[str]:
    return [sql for sql in sqls(context) if sql.lstrip().upper().startswith(WRITES)]


def compute(client: Any) -> Any:
    return client.post(
        "/api/v1/supervision/rankings/2026/10/compute",
        data=json.dumps({"min_cases": 1}),
        content_type="application/json",
    )


@pytest.fixture
def replica_on(settings: Any) -> None:
    settings.BANGBAN_REPLICA_READS = True


def test_the_ranking_is_read_from_the_replica_and_written_to_the_primary(
    world: Any, login: Any, replica_on: None
) -> None:
    make_case(world.shuyang_gov, "2026-10-10 09:00", status="closed")
    office = login(world.biz_office)

    with captured() as (primary, replica):
        assert compute(office).status_code == 200
    # Computing is a change: every query of it, reads included, ran on the primary.
    assert touching(primary, "supervision_ranking") and writes(primary)
    assert sqls(replica) == []

    with captured() as (primary, replica):
        answer = office.get("/api/v1/supervision/rankings/2026/10")
        page = office.get("/supervision/rankings/2026/10/")
    assert answer.status_code == 200 and page.status_code == 200
    # The report's rows came from the replica; the primary served only the session and the user.
    assert touching(replica, "supervision_ranking")
    assert touching(primary, "supervision_ranking") == []
    assert writes(replica) == []


def test_dashboard_ledgers_and_exports_read_from_the_replica(
    world: Any, login: Any, replica_on: None
) -> None:
    office, auditor = login(world.biz_office), login(world.auditor)
    for client, url, table in [
        (office, "/api/v1/supervision/dashboard?month=2026-10&months=1", "tickets_ticket"),
        (office, "/api/v1/supervision/ledgers", "supervision_ledger"),
        (office, "/supervision/ledgers/", "supervision_ledger"),
        (auditor, "/audit/export/", "audit_auditevent"),
    ]:
        with captured() as (_primary, replica):
            response = client.get(url)
        assert response.status_code in (200, 302), (url, response.status_code)
        assert touching(replica, table), url
        assert writes(replica) == [], url


def test_without_the_switch_every_read_stays_on_the_primary(world: Any, login: Any) -> None:
    office = login(world.biz_office)
    compute(office)
    with captured() as (primary, replica):
        assert office.get("/api/v1/supervision/rankings/2026/10").status_code == 200
    assert sqls(replica) == []
    assert touching(primary, "supervision_ranking")


def test_reads_inside_a_transaction_and_locks_stay_on_the_primary(world: Any, replica_on: None) -> None:
    assert read_alias() == "default"
    with reading_from_replica():
        assert read_alias() == "replica"
        assert Ranking.objects.all().db == "replica"
        assert Ranking.objects.select_for_update().db == "default"
        with transaction.atomic():
            assert read_alias() == "default"
            assert Ranking.objects.all().db == "default"
        with captured() as (primary, replica):
            Ranking.objects.filter(year=2026).update(min_cases=1)
        assert writes(primary) and sqls(replica) == []
    assert read_alias() == "default"
