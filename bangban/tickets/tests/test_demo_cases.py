"""The demo city comes with cases in every queue (so `make run` shows real work), made once."""

from __future__ import annotations

from django.urls import reverse

from bangban.shell.demo import load_demo_city
from bangban.tickets.models import Ticket
from bangban.tickets.workflow import DeadlineState, Status


def test_demo_cases_fill_every_queue_once(db, client, demo_clock):
    load_demo_city(demo_clock)
    statuses = set(Ticket.objects.values_list("status", flat=True))
    assert {
        Status.PENDING_DISPATCH,
        Status.IN_PROGRESS,
        Status.REPLY_REVIEW,
        Status.REPLIED,
        Status.CLOSED,
    } <= statuses
    assert Ticket.objects.filter(deadline_state=DeadlineState.OVERDUE).count() == 1
    count = Ticket.objects.count()
    load_demo_city(demo_clock)
    assert Ticket.objects.count() == count

    assert client.login(username="chengban_sy", password="Suqian-Demo-2024")
    queue = client.get(reverse("tickets:unit_queue")).content.decode()
    overdue = Ticket.objects.get(deadline_state=DeadlineState.OVERDUE)
    assert overdue.number in queue and "超期" in queue
