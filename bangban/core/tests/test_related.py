"""`with_related`: rows come with their neighbours, at most JOINS_AT_MOST joins in the row
statement, and reading a neighbour afterwards never costs a query."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bangban.core.related import JOINS_AT_MOST, with_related
from bangban.tickets.models import Ticket
from bangban.tickets.tests.work_helpers import make_ticket
from bangban.tickets.workflow import Status

pytestmark = pytest.mark.django_db

FIELDS = ("lead_unit", "enterprise", "category", "handler", "region", "suggested_unit", "lead_unit__region")


def test_neighbours_are_read_with_few_joins_and_no_query_per_row(world):
    for _ in range(3):
        make_ticket(
            world,
            status=Status.IN_PROGRESS,
            lead_unit=world.shuyang_gov,
            suggested_unit=world.approval_bureau,
            region=world.shuyang,
            handler=world.handler_shuyang,
        )
    with CaptureQueriesContext(connection) as reads:
        rows = list(with_related(Ticket.objects.order_by("id"), FIELDS))
    assert len(rows) == 3
    row_statement = reads.captured_queries[0]["sql"]
    assert row_statement.count(" JOIN ") <= JOINS_AT_MOST
    # The rest came in one statement per relation, not one per row.
    assert len(reads.captured_queries) <= 1 + len(FIELDS)
    with CaptureQueriesContext(connection) as later:
        names = [
            (unit.name, ent.name, who.username, region.name, suggested.name)
            for t in rows
            if (unit := t.lead_unit) and (ent := t.enterprise) and (who := t.handler)
            if (region := t.region) and (suggested := t.suggested_unit)
        ]
        regions = [unit.region.name for t in rows if (unit := t.lead_unit)]
    assert later.captured_queries == []
    assert names[0] == (
        world.shuyang_gov.name,
        world.ent_shuyang.name,
        world.handler_shuyang.username,
        world.shuyang.name,
        world.approval_bureau.name,
    )
    assert regions == [world.shuyang_gov.region.name] * 3


def test_an_empty_relation_is_none_without_a_query(world):
    make_ticket(world, enterprise=None, region=world.shuyang)
    with CaptureQueriesContext(connection) as reads:
        ticket = with_related(Ticket.objects.all(), FIELDS).get()
        assert ticket.lead_unit is None and ticket.handler is None and ticket.enterprise is None
        assert ticket.suggested_unit is None and ticket.region == world.shuyang
    # Relations that are empty cost nothing: besides the row statement, only the region was read.
    later = [q["sql"] for q in reads.captured_queries[1:]]
    assert len(later) == 1 and 'FROM "org_region"' in later[0]
