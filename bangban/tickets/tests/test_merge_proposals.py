"""The same problem from different callers: the dispatch queue proposes a merge, the dispatcher
decides (`near_duplicates.py`, `merge_proposals.py`)."""

from __future__ import annotations

import datetime as dt
import re

from django.urls import reverse

from bangban.tickets.models import Channel, Ticket
from bangban.tickets.near_duplicates import Candidate, places, propose
from bangban.tickets.workflow import Status

ROAD = [
    ("人民路与海陵路交叉口路面塌陷", "人民路海陵路路口东侧路面塌陷出一个大坑，车辆经过很危险"),
    ("海陵路人民路路口塌陷", "海陵路和人民路交叉口有个大坑，路面塌了，请尽快处理"),
    ("人民路海陵路口路面塌陷", "走访企业时发现人民路海陵路交叉路口路面塌陷，存在安全隐患"),
]
T = dt.datetime(2026, 11, 18, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def _proposals(html: str) -> dict[str, str]:
    """{case number: proposed target} from the dispatch page."""
    out = {}
    for block in html.split('data-testid="dispatch-row"')[1:]:
        number = re.search(r'data-number="([^"]+)"', 'data-testid="dispatch-row"' + block)
        target = re.search(r'data-testid="merge-proposal" data-target="([^"]+)"', block)
        if number and target:
            out[number.group(1)] = target.group(1)
    return out


def test_same_road_reported_three_times_in_twelve_minutes_is_proposed_for_merging(cases, login):
    hotline = cases.new(
        title=ROAD[0][0], content=ROAD[0][1], channel=Channel.HOTLINE, enterprise=None, region=None,
        submitter=None, contact_phone="13900000001", received_at=T,
    )  # fmt: skip
    officer = cases.new(
        title=ROAD[2][0], content=ROAD[2][1], channel=Channel.OFFICER, enterprise=cases.ent_siyang,
        region=cases.siyang, received_at=T + dt.timedelta(minutes=5),
    )  # fmt: skip
    again = cases.new(
        title=ROAD[1][0], content=ROAD[1][1], channel=Channel.HOTLINE, enterprise=None, region=None,
        submitter=None, contact_phone="13900000002", received_at=T + dt.timedelta(minutes=12),
    )  # fmt: skip
    # Same road, another problem; and the same words about another road: no proposal.
    cases.new(
        title="人民路路灯不亮", content="人民路东段路灯坏了一个月，晚上很黑", channel=Channel.HOTLINE,
        enterprise=None, region=None, received_at=T + dt.timedelta(minutes=20),
    )  # fmt: skip
    cases.new(
        title="春晖路与凤凰路交叉口路面塌陷", content="春晖路凤凰路路口东侧路面塌陷出一个大坑，车辆经过很危险",
        channel=Channel.HOTLINE, enterprise=None, region=None, received_at=T + dt.timedelta(minutes=25),
    )  # fmt: skip
    dispatcher = login(cases.dispatcher)
    html = dispatcher.get(reverse("tickets:dispatch_queue")).content.decode()
    proposals = _proposals(html)
    assert proposals == {officer.number: hotline.number, again.number: hotline.number}
    assert "同在“人民路”" in html or "同在“海陵路”" in html
    assert f'value="{hotline.number}" aria-label="合并到的诉求编号"' in html
    # Nothing is merged until the dispatcher decides.
    assert Ticket.objects.filter(status=Status.MERGED).count() == 0
    response = dispatcher.post(
        reverse("tickets:act", args=[again.pk, "merge"]),
        {"version": again.version, "target": hotline.number, "reason": "同一路面塌陷"},
    )
    assert response.status_code == 302
    assert Ticket.objects.get(pk=again.pk).merged_into_id == hotline.pk
    assert _proposals(dispatcher.get(reverse("tickets:dispatch_queue")).content.decode()) == {
        officer.number: hotline.number
    }


def test_conduct_complaints_are_compared_only_with_each_other() -> None:
    road = Candidate(1, "RX-1", "\n".join(ROAD[0]), T)
    conduct = Candidate(2, "ZF-1", "\n".join(ROAD[1]), T + dt.timedelta(minutes=3), conduct=True)
    assert propose(conduct, [road]) is None
    plain = Candidate(3, "RX-2", "\n".join(ROAD[1]), T + dt.timedelta(minutes=3))
    found = propose(plain, [road, conduct])
    assert found is not None and found.id == 1 and found.score >= 0.4
    # Outside the window, or later than the case itself: not proposed.
    late = Candidate(4, "RX-3", "\n".join(ROAD[1]), T + dt.timedelta(days=31))
    assert propose(late, [road]) is None
    assert propose(road, [plain]) is None


def test_place_names() -> None:
    assert {"人民路", "海陵路"} <= places("人民路与海陵路交叉口")
    assert places("路面塌陷") == frozenset()
    assert places("路口东侧路面") == frozenset()
