"""The demo city comes with assignments, contacts and visits, so the compliance matrix shows an
officer up to date and one behind (made once)."""

from __future__ import annotations

from typing import Any

from bangban.network.models import Assignment, Contact, Liaison
from bangban.shell.demo import load_demo_city


def test_demo_network(db: Any, client: Any, demo_clock: Any) -> None:
    load_demo_city(demo_clock)
    assert Assignment.objects.filter(officer__username="bangban").count() == 3
    assert Assignment.objects.filter(officer__username="bangban_sy").count() == 4
    assert Liaison.objects.filter(user__username="qiye").exists()
    assert Contact.objects.filter(ticket__isnull=False).exists()
    counts = (Assignment.objects.count(), Contact.objects.count())
    load_demo_city(demo_clock)
    assert (Assignment.objects.count(), Contact.objects.count()) == counts

    assert client.login(username="yingshangban", password="Suqian-Demo-2024")
    page = client.get("/network/compliance/").content.decode()
    assert 'data-officer="bangban"' in page and 'data-officer="bangban_sy"' in page
    assert "达标" in page and "落后" in page
    assert client.login(username="qiye", password="Suqian-Demo-2024")
    mine = client.get("/network/enterprise/").content.decode()
    assert "沈卫国" in mine
