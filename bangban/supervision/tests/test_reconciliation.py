"""Every figure a month's 通报, ranking and analysis pack publish is recomputed here from the raw
cases, in plain Python over every row of the case table (not through `figures.py`), and compared:
the frozen ranking of both scopes, the API, the issued 12345 通报, and the pack's page, export and
overdue list. Cases filed after the freeze change none of them."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from typing import Any

import pytest

from bangban.ratings.models import RatedSubject, Rating
from bangban.supervision import definitions
from bangban.supervision.models import Notice
from bangban.tickets.models import Channel, FollowUp, Ticket
from bangban.workdays.arithmetic import SHANGHAI

from .conftest import make_case

SATISFIED = {1, 2, 3}
BAD = {4, 5}
OCTOBER = (dt.datetime(2026, 10, 1, tzinfo=SHANGHAI), dt.datetime(2026, 11, 1, tzinfo=SHANGHAI))
HOURS = 24


def api(client: Any, method: str, url: str, body: Any = None) -> Any:
    if method == "get":
        return client.get(f"/api/v1/supervision{url}")
    return client.post(
        f"/api/v1/supervision{url}", data=json.dumps(body or {}), content_type="application/json"
    )


def independent_figures(scope: str) -> dict[int, dict[str, int]]:
    """The counts of `definitions.FIGURES`, computed row by row from the whole case table, its
    follow-ups and the ratings table."""
    channels = definitions.SCOPES[scope].channels
    with_ratings = definitions.SCOPES[scope].ratings
    out: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for t in Ticket.objects.all():
        if not (OCTOBER[0] <= t.received_at < OCTOBER[1]) or t.status in ("merged", "withdrawn"):
            continue
        if t.lead_unit_id is None or (channels is not None and t.channel not in channels):
            continue
        d = out[t.lead_unit_id]
        d["total"] += 1
        if t.dispatched_at is not None:
            d["dispatched"] += 1
            if (
                t.accepted_at is not None
                and t.accepted_at <= t.dispatched_at + dt.timedelta(hours=HOURS)
                and (t.due_at is None or t.accepted_at <= t.due_at)
            ):
                d["responded"] += 1
        if t.closed_at is not None:
            d["closed"] += 1
            if t.due_at is None or t.closed_at <= t.due_at:
                d["closed_on_time"] += 1
        d["repeat_count"] += bool(t.is_repeat)
        d["overdue_count"] += t.overdue_at is not None
        for f in FollowUp.objects.filter(ticket=t):
            d["follow_ups"] += 1
            d["resolved"] += bool(f.resolved)
            linked = Rating.objects.filter(follow_up=f).first()
            # The enterprise's own rating is one act: counted as the rating where ratings count.
            if linked is not None and (with_ratings or linked.voided_at is not None):
                continue
            d["rated"] += 1
            d["satisfied"] += f.satisfaction in SATISFIED
            d["bad"] += f.satisfaction in BAD
    if with_ratings:
        for r in Rating.objects.filter(stage="first", voided_at__isnull=True):
            if OCTOBER[0] <= r.created_at < OCTOBER[1]:
                d = out[r.unit_id]
                d["rated"] += 1
                d["satisfied"] += r.level in SATISFIED
                d["bad"] += r.level in BAD and not r.invalidated
    return out


def rate_case(ticket: Ticket, level: int, at: str, follow_up: FollowUp | None = None) -> Rating:
    """A 好差评 of the case by its enterprise, linked to the follow-up it also recorded."""
    when = dt.datetime.fromisoformat(at).replace(tzinfo=SHANGHAI)
    unit = ticket.lead_unit
    assert unit is not None
    subject = RatedSubject.objects.create(kind="case", ticket=ticket, unit=unit, created_at=when)
    return Rating.objects.create(
        subject=subject,
        level=level,
        channel="pc",
        unit=unit,
        created_at=when,
        follow_up=follow_up,
    )


@pytest.fixture
def month(world: Any) -> dict[str, Ticket]:
    bureau, shuyang, siyang = world.approval_bureau, world.shuyang_gov, world.siyang_gov
    cases: dict[str, Ticket] = {}
    # Six hotline cases of the bureau (ranked in both scopes), of which two went overdue.
    for i in range(6):
        overdue = i < 2
        cases[f"b{i}"] = make_case(
            bureau,
            f"2026-10-{2 + i:02d} 09:00",
            channel=Channel.HOTLINE,
            dispatched_at=f"2026-10-{2 + i:02d} 10:00",
            accepted_at=f"2026-10-{2 + i:02d} {11 if i % 2 else 10}:30"
            if i != 5
            else f"2026-10-{4 + i:02d} 10:00",
            due_at=f"2026-10-{9 + i:02d} 23:59:59",
            overdue_at=f"2026-10-{10 + i:02d} 00:00" if overdue else None,
            closed_at=f"2026-10-{12 + i:02d} 10:00" if i < 4 else None,
            status="closed" if i < 4 else "in_progress",
            follow_up=(i != 1, 1 if i != 1 else 5) if i < 4 else None,
            is_repeat=i == 3,
        )
    # Three portal and mayor cases of the bureau: counted in the all-channel scope only.
    cases["portal"] = make_case(bureau, "2026-10-20 09:00", channel=Channel.PORTAL, dispatched_at="2026-10-20 10:00",
                                overdue_at="2026-10-29 00:00", due_at="2026-10-28 23:59:59")  # fmt: skip
    cases["mayor"] = make_case(bureau, "2026-10-21 09:00", channel=Channel.MAYOR)
    cases["window"] = make_case(bureau, "2026-10-22 09:00", channel=Channel.WINDOW, status="suspended")
    # 沭阳县政府: five hotline cases, one of them suspended after its due time (not overdue).
    for i in range(5):
        cases[f"s{i}"] = make_case(
            shuyang,
            f"2026-10-{10 + i:02d} 09:00",
            dispatched_at=f"2026-10-{10 + i:02d} 10:00",
            accepted_at=f"2026-10-{11 + i:02d} 12:00",
            due_at=f"2026-10-{17 + i:02d} 23:59:59",
            status="suspended" if i == 0 else "in_progress",
            follow_up=(True, 2) if i == 4 else None,
        )
    # 泗阳县政府: two hotline cases, too few to be ranked, one overdue.
    cases["q0"] = make_case(siyang, "2026-10-31 23:59", dispatched_at="2026-11-01 09:00",
                            overdue_at="2026-11-10 00:00")  # fmt: skip
    cases["q1"] = make_case(siyang, "2026-10-01 00:00")
    # The enterprise rated two of the bureau's cases: 非常满意 with its follow-up (one act, counted
    # once), and a later 不满意 of the portal case without one; a voided rating counts nowhere.
    b0_follow_up = FollowUp.objects.get(ticket=cases["b0"])
    rate_case(cases["b0"], 1, "2026-10-07 09:00", b0_follow_up)
    rate_case(cases["portal"], 4, "2026-10-25 09:00")
    voided = rate_case(cases["s4"], 5, "2026-10-26 09:00", FollowUp.objects.get(ticket=cases["s4"]))
    Rating.objects.filter(pk=voided.pk).update(voided_at=dt.datetime(2026, 10, 27, tzinfo=SHANGHAI))
    # Not in October's figures: merged, withdrawn, September and November, no lead unit.
    make_case(bureau, "2026-10-05 09:00", status="merged")
    make_case(bureau, "2026-10-05 09:00", status="withdrawn")
    make_case(bureau, "2026-09-30 23:59")
    make_case(bureau, "2026-11-01 00:00")
    make_case(None, "2026-10-15 09:00", status="pending_dispatch")
    return cases


def test_published_figures_agree_with_the_raw_cases(world: Any, month: Any, login: Any) -> None:
    client = login(world.biz_office)
    assert api(client, "post", "/rankings/2026/10/freeze").status_code == 200

    # The frozen ranking of each scope, through the API, against the independent count.
    for scope in definitions.SCOPES:
        expected = independent_figures(scope)
        data = api(client, "get", f"/rankings/2026/10?scope={scope}").json()
        assert data["status"] == "frozen" and data["scope"] == scope
        got = {r["unit_id"]: r for r in data["rows"]}
        assert set(got) == set(expected), scope
        for unit_id, counts in expected.items():
            for key, value in counts.items():
                assert got[unit_id][key] == value, (scope, unit_id, key)
            assert (got[unit_id]["rank"] is None) == (counts["total"] < 5), (scope, unit_id)
        assert not any(r["is_bottom"] for r in data["rows"] if r["rank"] is None)
        assert data["rules"] == definitions.rule_lines(
            scope_key=scope, weights=[30, 35, 35], min_cases=5, response_hours=24, bottom_places=1
        )
    hotline = independent_figures("hotline")
    everything = independent_figures("all")
    assert sum(d["total"] for d in hotline.values()) == 13
    assert sum(d["total"] for d in everything.values()) == 16

    # Cases filed into October after the freeze change nothing that is published for October.
    late = make_case(world.approval_bureau, "2026-10-30 09:00", overdue_at="2026-10-31 00:00")

    # The 12345 通报 counts 12345 cases, names only ranked units, and prints its rules.
    created = api(client, "post", "/notices", {"kind": "hotline", "year": 2026, "month": 10})
    assert created.status_code == 201, created.content
    notice = Notice.objects.get(pk=created.json()["id"])
    text = "\n".join(p for sec in notice.content["sections"] for p in sec.get("paragraphs", []))
    total = sum(d["total"] for d in hotline.values())
    closed = sum(d["closed"] for d in hotline.values())
    overdue = sum(d["overdue_count"] for d in hotline.values())
    assert f"受理并派发涉企诉求{total}件，已办结{closed}件，曾超期{overdue}件，涉及承办单位3个" in text
    table = next(sec["table"]["rows"] for sec in notice.content["sections"] if sec.get("table"))
    assert [row[1] for row in table if row[0] == "不参与排名"] == [world.siyang_gov.name]
    assert world.siyang_gov.pk not in set(notice.units.values_list("pk", flat=True)) - {
        u for u, d in hotline.items() if d["overdue_count"]
    }
    criticised = re.search(r"(\S+)综合得分位列末位", text)
    assert criticised is not None and world.siyang_gov.name not in criticised.group(1)
    assert "统计范围：仅12345营商环境专席受理的诉求" in text

    # The analysis pack of October says the ranking's numbers, page, API and export alike.
    pack = api(client, "get", "/meeting?month=2026-10").json()
    assert pack["frozen"] is True
    assert pack["totals"].pop("dispatch_on_time_rate") is None  # no case of this month has a dispatch clock
    assert pack["totals"] == {
        "total": sum(d["total"] for d in everything.values()),
        "closed": sum(d["closed"] for d in everything.values()),
        "overdue": sum(d["overdue_count"] for d in everything.values()),
        "repeat": sum(d["repeat_count"] for d in everything.values()),
    }
    overdue_numbers = {
        t.number
        for t in Ticket.objects.filter(
            overdue_at__isnull=False, received_at__gte=OCTOBER[0], received_at__lt=OCTOBER[1]
        )
        .exclude(status__in=["merged", "withdrawn"])
        .exclude(lead_unit=None)
        .exclude(pk=late.pk)
    }
    assert {row["诉求编号"] for row in pack["overdue"]} == overdue_numbers
    assert len(overdue_numbers) == pack["totals"]["overdue"] == 4 and late.number not in overdue_numbers
    assert pack["unranked"] == [world.siyang_gov.name]
    html = client.get("/supervision/meeting/?month=2026-10").content.decode()
    assert f"曾超期 {pack['totals']['overdue']} 件" in html and "已冻结的月度排名快照" in html
    # A suspended case past its due time and a case without a lead unit are not 曾超期.
    assert month["s0"].number not in overdue_numbers


def test_a_live_preview_uses_the_same_definitions(world: Any, month: Any, login: Any) -> None:
    client = login(world.biz_office)
    data = api(client, "get", "/rankings/2026/10?scope=hotline").json()
    assert data["status"] == "preview"
    expected = independent_figures("hotline")
    assert {r["unit_id"]: r["overdue_count"] for r in data["rows"]} == {
        u: d["overdue_count"] for u, d in expected.items()
    }
    pack = api(client, "get", "/meeting?month=2026-10").json()
    assert pack["frozen"] is False
    assert pack["totals"]["overdue"] == sum(d["overdue_count"] for d in independent_figures("all").values())
    assert api(client, "get", "/rankings/2026/10?scope=nonsense").json()["code"] == "scope_invalid"


def test_rules_changed_after_a_freeze_apply_to_later_months_only(world: Any, month: Any, login: Any) -> None:
    client = login(world.biz_office)
    assert api(client, "post", "/rankings/2026/10/freeze").status_code == 200
    make_case(world.approval_bureau, "2026-11-03 09:00")
    # November's preview is kept with its dashboard summary, under the rules of that moment.
    from bangban.supervision import dashboard_counts

    dashboard_counts.refresh_month(2026, 11)
    assert api(client, "get", "/rankings/2026/11").json()["min_cases"] == 5
    changed = client.put(
        "/api/v1/supervision/settings",
        data=json.dumps(
            {"min_cases": 1, "weight_response": 20, "weight_resolution": 40, "weight_satisfaction": 40}
        ),
        content_type="application/json",
    )
    assert changed.status_code == 200
    october = api(client, "get", "/rankings/2026/10").json()
    assert october["min_cases"] == 5 and october["weights"] == [30, 35, 35]
    assert "诉求少于 5 件的单位不参与排名" in client.get("/supervision/rankings/2026/10/").content.decode()
    siyang = next(r for r in october["rows"] if r["unit_id"] == world.siyang_gov.pk)
    assert siyang["rank"] is None
    november = api(client, "get", "/rankings/2026/11").json()
    assert november["min_cases"] == 1 and november["weights"] == [20, 40, 40]
    assert all(r["rank"] is not None for r in november["rows"] if r["score"] is not None)
    listing = client.get("/supervision/rankings/").content.decode()
    assert "诉求少于 1 件的单位不参与排名" in listing and "不少于 5 件参与排名" in listing
