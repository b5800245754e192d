"""The demo city comes with five runs of the unit head of 沭阳县行政审批局 across the states (made
once)."""

from __future__ import annotations

from typing import Any

from bangban.fieldruns.models import Item, Run
from bangban.shell.demo import load_demo_city


def test_demo_fieldruns(db: Any, client: Any, demo_clock: Any) -> None:
    load_demo_city(demo_clock)
    assert sorted(Run.objects.values_list("status", flat=True)) == [
        "booked", "cancelled", "closed", "done", "rectifying",
    ]  # fmt: skip
    assert sorted(Item.objects.values_list("status", flat=True)) == [
        "open",
        "reported",
        "verified",
        "verified",
    ]
    load_demo_city(demo_clock)
    assert Run.objects.count() == 5 and Item.objects.count() == 4

    assert client.login(username="danwei_sy", password="Suqian-Demo-2024")
    page = client.get("/fieldruns/").content.decode()
    assert page.count('data-testid="run-row"') == 5 and 'data-testid="overdue-flag"' in page
    assert client.login(username="yingshangban", password="Suqian-Demo-2024")
    assert client.get("/fieldruns/yearly/").content.decode().count('data-testid="yearly-row"') == 3
