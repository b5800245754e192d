"""The demo city comes with assignments, contacts and visits, so the compliance matrix shows an
officer up to date and one behind (made once)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from bangban.network.models import Assignment, Contact, HelpMeeting, Liaison
from bangban.shell.demo import load_demo_city


def test_demo_network(db: Any, client: Any, demo_clock: Any) -> None:
    load_demo_city(demo_clock)
    assert Assignment.objects.filter(officer__username="bangban").count() == 3
    assert Assignment.objects.filter(officer__username="bangban_sy").count() == 4
    assert Liaison.objects.filter(user__username="qiye").exists()
    assert Contact.objects.filter(ticket__isnull=False).exists()
    # One 解难帮扶会办会 held three days before the demo clock, one scheduled a week after it.
    held = HelpMeeting.objects.get(status="held")
    planned = HelpMeeting.objects.get(status="scheduled")
    assert held.held_at < demo_clock < planned.held_at
    day = timezone.localdate(demo_clock)
    assert timezone.localdate(held.held_at) == day - dt.timedelta(days=3)
    assert timezone.localdate(planned.held_at) == day + dt.timedelta(days=7)
    assert {i.disposal for i in held.items.all()} == {"instruct", "joint"} and planned.items.exists()
    counts = (Assignment.objects.count(), Contact.objects.count(), HelpMeeting.objects.count())
    load_demo_city(demo_clock)
    assert (Assignment.objects.count(), Contact.objects.count(), HelpMeeting.objects.count()) == counts

    assert client.login(username="yingshangban", password="Suqian-Demo-2024")
    page = client.get("/network/compliance/").content.decode()
    assert 'data-officer="bangban"' in page and 'data-officer="bangban_sy"' in page
    assert "达标" in page and "落后" in page
    listed = client.get("/network/help-meetings/").content.decode()
    assert held.title in listed and planned.title in listed
    assert client.get(f"/network/help-meetings/{held.pk}/").status_code == 200
    assert client.login(username="qiye", password="Suqian-Demo-2024")
    mine = client.get("/network/enterprise/").content.decode()
    assert "沈卫国" in mine
