"""The demo city comes with 司法局's catalogue of twelve items and three decisions of the demo
enterprise, two of them reviewed (made once)."""

from __future__ import annotations

from typing import Any

from bangban.leniency.models import CatalogueImport, CatalogueItem, Decision
from bangban.shell.demo import load_demo_city


def test_demo_leniency(db: Any, client: Any, demo_clock: Any) -> None:
    load_demo_city(demo_clock)
    assert CatalogueItem.objects.filter(is_current=True).count() == 12
    assert CatalogueImport.objects.get().status == "applied"
    decisions = list(Decision.objects.order_by("case_date"))
    assert [(d.proposal, d.outcome, d.status) for d in decisions] == [
        ("no_penalty", "no_penalty", "approved"),
        ("penalty", "no_penalty", "corrected"),
        ("penalty", "penalty", "decided"),
    ]
    assert [d.prior_count for d in decisions] == [0, 1, 2]
    load_demo_city(demo_clock)
    assert Decision.objects.count() == 3 and CatalogueItem.objects.count() == 12

    assert client.login(username="sifa", password="Suqian-Demo-2024")
    page = client.get("/leniency/").content.decode()
    assert page.count('data-testid="decision-row"') == 3 and "偏离建议" in page
    assert client.login(username="zhifa", password="Suqian-Demo-2024")
    assert "未按规定设置危险废物识别标志" in client.get("/leniency/catalogue/").content.decode()
