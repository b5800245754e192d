"""The demo city loads, and keeps its promises, on every kind of day: the 1st, the 25th and the 26th
of a month (around the ledgers' due date), the last working day and the last evening of a year
whose successor has no official calendar yet, a National Day holiday and a 调休 Saturday. Each
load runs with the clock moved to that moment, so nothing in the demo or in the checks depends on
the day the suite happens to run."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from bangban.shell.demo import load_demo_city
from bangban.supervision import dashboard
from bangban.supervision.demo import ledger_demo_month
from bangban.supervision.models import Ledger, Notice, Ranking, RankingStatus
from bangban.tickets.models import Ticket
from bangban.tickets.workflow import DeadlineState, Status
from bangban.workdays.arithmetic import SHANGHAI

MOMENTS = {
    "1st": dt.datetime(2026, 11, 1, 9, 0, tzinfo=SHANGHAI),
    "25th": dt.datetime(2026, 11, 25, 9, 0, tzinfo=SHANGHAI),
    "26th": dt.datetime(2026, 11, 26, 9, 0, tzinfo=SHANGHAI),
    "last-working-day": dt.datetime(2026, 12, 31, 16, 0, tzinfo=SHANGHAI),
    "new-years-eve": dt.datetime(2026, 12, 31, 23, 50, tzinfo=SHANGHAI),
    "national-day": dt.datetime(2026, 10, 3, 10, 0, tzinfo=SHANGHAI),
    "tiaoxiu-saturday": dt.datetime(2026, 10, 10, 10, 0, tzinfo=SHANGHAI),
}


@pytest.mark.parametrize("moment", list(MOMENTS.values()), ids=list(MOMENTS))
def test_demo_city_on_every_kind_of_day(db: Any, moment: dt.datetime) -> None:
    with time_machine.travel(moment, tick=True):
        load_demo_city(moment)
        today = timezone.localdate(moment)

        # Cases in every queue, exactly one of them overdue.
        statuses = set(Ticket.objects.values_list("status", flat=True))
        assert {Status.PENDING_DISPATCH, Status.IN_PROGRESS, Status.REPLY_REVIEW, Status.REPLIED,
                Status.CLOSED} <= statuses  # fmt: skip
        assert Ticket.objects.filter(deadline_state=DeadlineState.OVERDUE).count() >= 1

        # Last month's ranking frozen with ranked units, one issued 通报.
        ranking = Ranking.objects.get()
        assert (ranking.year, ranking.month) == ((today.year, today.month - 1) if today.month > 1
                                                 else (today.year - 1, 12))  # fmt: skip
        assert ranking.status == RankingStatus.FROZEN
        assert ranking.rows.filter(scope="all", rank__isnull=False).count() >= 2
        assert Notice.objects.filter(status="issued").count() == 1

        # The ledgers of a month already past due: one on time, one late, both really submitted
        # before "now".
        year, month = ledger_demo_month(moment)
        submitted = Ledger.objects.filter(year=year, month=month, status="submitted")
        assert sorted(x.late for x in submitted) == [False, True]
        assert all(x.submitted_at is not None and x.submitted_at <= timezone.now() for x in submitted)

        # The dashboard opens full.
        ids, status = dashboard.summaries(dashboard.months_ending(today.year, today.month, 6))
        assert len(ids) == 6 and status["pending"] is False

        # A second load adds nothing.
        counts = (Ticket.objects.count(), Ranking.objects.count(), Ledger.objects.count())
        load_demo_city(moment)
        assert (Ticket.objects.count(), Ranking.objects.count(), Ledger.objects.count()) == counts

        # The main pages answer for the people who use them.
        client = Client()
        for username, paths in {
            "yingshangban": ["/", "/supervision/dashboard/", f"/supervision/rankings/{ranking.year}/{ranking.month}/",
                             "/supervision/ledgers/"],
            "paidan": ["/", "/cases/dispatch/"],
            "chengban_sy": ["/", "/cases/unit/"],
            "qiye": ["/"],
        }.items():  # fmt: skip
            assert client.login(username=username, password="Suqian-Demo-2024")
            for path in paths:
                response = client.get(path)
                assert response.status_code == 200, (username, path, response.status_code)
            client.logout()
