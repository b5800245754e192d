"""The demo city comes with the first 负面清单, entries into the demo enterprise, its answers and the
month's flags (made once)."""

from __future__ import annotations

from typing import Any

from bangban.conduct.models import Entry, Flag, NegativeListVersion, Response, UnregisteredReport
from bangban.shell.demo import load_demo_city


def test_demo_conduct(db: Any, client: Any, demo_clock: Any) -> None:
    load_demo_city(demo_clock)
    version = NegativeListVersion.objects.get()
    assert version.items.count() == 11
    assert Entry.objects.count() == 3 and UnregisteredReport.objects.count() == 1
    assert Entry.objects.filter(response=Response.REPORTED, breached_item__code="FM-03").exists()
    kinds = set(Flag.objects.values_list("kind", flat=True))
    # 18 November: the inspection of the 16th falls in the quiet period (days 1–20).
    assert {"improper", "no_task_number", "unregistered", "quiet_period"} <= kinds
    counts = (Entry.objects.count(), Flag.objects.count())
    load_demo_city(demo_clock)
    assert (Entry.objects.count(), Flag.objects.count()) == counts

    assert client.login(username="zuofeng", password="Suqian-Demo-2024")
    flags = client.get("/conduct/flags/").content.decode()
    assert "执法检查无任务编号" in flags and "企业反映入企不当" in flags
    assert client.login(username="qiye", password="Suqian-Demo-2024")
    mine = client.get("/conduct/").content.decode()
    assert mine.count('data-testid="entry-row"') == 3


def test_demo_snaps(db: Any, client: Any, demo_clock: Any) -> None:
    from bangban.conduct.models import ConductComplaint

    load_demo_city(demo_clock)
    states = sorted(ConductComplaint.objects.values_list("status", flat=True))
    assert states == ["founded", "investigating", "pending", "unfounded", "verifying"]
    load_demo_city(demo_clock)
    assert ConductComplaint.objects.count() == 5
    board = client.get("/conduct/snap/board/").content.decode()
    assert board.count('data-testid="board-case"') == 1 and "孙经理" not in board
    assert client.login(username="zuofeng", password="Suqian-Demo-2024")
    queue = client.get("/conduct/snaps/").content.decode()
    assert queue.count('data-testid="snap-row"') == 5
