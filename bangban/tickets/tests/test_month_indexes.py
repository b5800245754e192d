"""Years of cases (docs/data-growth.md): the monthly figures read one month of cases, answers and
follow-ups through an index, never by scanning every case ever received. Each query below is the
one the figures run (ratings' 回访率: the cases answered in a month; the dashboard: the cases that
went overdue and the follow-ups made in a month); its plan must name the index."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from bangban.supervision.figures import month_bounds
from bangban.tickets.models import FollowUp, Ticket
from bangban.tickets.public import cases_replied_between

pytestmark = pytest.mark.django_db


def plan(qs) -> str:
    if connection.vendor == "postgresql":
        # A test table is tiny and a sequential scan would win; forbid it to see the index.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
    return qs.explain()


@pytest.fixture
def month() -> tuple[dt.datetime, dt.datetime]:
    return month_bounds(2026, 10)


def test_the_cases_answered_in_a_month_are_read_by_ticket_replied(month):
    assert "ticket_replied" in plan(cases_replied_between(*month).values("lead_unit"))


def test_the_cases_gone_overdue_in_a_month_are_read_by_ticket_overdue(month):
    start, end = month
    assert "ticket_overdue" in plan(Ticket.objects.filter(overdue_at__gte=start, overdue_at__lt=end))


def test_the_follow_ups_of_a_month_are_read_by_followup_at(month):
    start, end = month
    assert "followup_at" in plan(FollowUp.objects.filter(at__gte=start, at__lt=end).values("ticket_id"))
