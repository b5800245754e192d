"""The demo city comes with ten designated enterprises and a 问题清单 in every state (made once)."""

from __future__ import annotations

from typing import Any

from bangban.conduct.models import Designation, ProblemItem, ProblemState, ReturnCall
from bangban.shell.demo import load_demo_city


def test_demo_problems(db: Any, client: Any, demo_clock: Any) -> None:
    load_demo_city(demo_clock)
    assert Designation.objects.count() == 10
    assert ReturnCall.objects.count() == 2
    states = list(ProblemItem.objects.values_list("state", flat=True))
    assert len(states) == 8
    assert states.count(ProblemState.TRANSFERRED) == 4 and states.count(ProblemState.RESOLVED) == 1
    load_demo_city(demo_clock)
    assert (Designation.objects.count(), ProblemItem.objects.count()) == (10, 8)

    assert client.login(username="zuofeng", password="Suqian-Demo-2024")
    listed = client.get("/api/v1/conduct/problems").json()["items"]
    progress = {p["progress"] for p in listed}
    assert {"pending", "in_progress", "closed", "resolved"} <= progress
    month = demo_clock.strftime("%Y-%m")
    monthly = client.get("/conduct/problems/monthly/", {"month": month}).content.decode()
    assert 'data-testid="monthly-row"' in monthly
