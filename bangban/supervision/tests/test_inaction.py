"""不作为/慢作为 detection (R15.2): a month's cases per unit — repeated requests, the same enterprise's
same problem again and again, escalations, 重办 and overdue cases — above the thresholds give
findings and proposed 约谈 / 责令检查 / 通报批评, once per unit, month and pattern."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from typing import Any

import pytest
import time_machine

from bangban.escalation.models import EscalationStep
from bangban.supervision import inaction
from bangban.supervision.models import AccountabilityRecord, InactionFinding, InactionScan
from bangban.supervision.tasks import detect_inaction_task
from bangban.tickets.models import Category, Ticket

from .conftest import at, make_case

pytestmark = pytest.mark.django_db
API = "/api/v1/supervision"


def escalate(ticket: Ticket, when: str) -> None:
    EscalationStep.objects.create(
        ticket=ticket, from_level=1, to_level=2, tier_name="县区", kind="auto", reason="超时", at=at(when)
    )


# The cases are October 2026's; the detection runs in the middle of November, whatever day it is.
NOW = dt.datetime(2026, 11, 10, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture(autouse=True)
def _mid_november() -> Any:
    with time_machine.travel(NOW, tick=True):
        yield NOW


@pytest.fixture
def month(world: Any) -> Any:
    """October 2026: 市行政审批局 5 overdue cases, 3 reopened, 3 from one enterprise on one problem;
    沭阳县政府 10 overdue, 2 escalated, 2 repeated; 泗阳县政府 2 overdue only; cases merged,
    withdrawn or received in November do not count."""
    cat = Category.objects.create(code="T01", name="审批")
    bureau, shuyang, siyang = world.approval_bureau, world.shuyang_gov, world.siyang_gov
    for i in range(5):
        make_case(
            bureau, f"2026-10-{i + 2:02d} 09:00", overdue_at="2026-10-20 10:00", handler=world.city_handler
        )
    for i in range(3):
        make_case(bureau, f"2026-10-{i + 10:02d} 09:00", reopen_count=1, handler=world.city_handler)
    for i in range(3):
        make_case(bureau, f"2026-10-{i + 15:02d} 09:00", enterprise=world.ent_shuyang, category=cat)
    make_case(bureau, "2026-10-20 09:00", enterprise=world.ent_shuyang, category=None)
    for i in range(10):
        t = make_case(
            shuyang,
            f"2026-10-{i + 2:02d} 11:00",
            overdue_at="2026-10-25 10:00",
            handler=world.handler_shuyang,
        )
        if i < 2:
            escalate(t, "2026-10-28 09:00")
    make_case(shuyang, "2026-10-21 09:00", is_repeat=True)
    make_case(shuyang, "2026-10-22 09:00", is_repeat=True)
    for i in range(2):
        make_case(siyang, f"2026-10-{i + 5:02d} 09:00", overdue_at="2026-10-20 10:00")
    # not counted
    make_case(siyang, "2026-10-07 09:00", overdue_at="2026-10-20 10:00", status="merged")
    make_case(siyang, "2026-10-08 09:00", overdue_at="2026-10-20 10:00", status="withdrawn")
    make_case(siyang, "2026-10-09 09:00", overdue_at="2026-10-20 10:00", status="merged")
    for i in range(3):
        make_case(siyang, f"2026-11-{i + 2:02d} 09:00", overdue_at="2026-11-10 10:00")
    return world


def post(client: Any, url: str) -> Any:
    return client.post(f"{API}{url}", data="{}", content_type="application/json")


def recompute(year: int, month: int, now: dt.datetime) -> dict[tuple[int, str], int]:
    """The findings recomputed from the raw cases, one by one, in plain Python."""
    start = dt.datetime(year, month, 1, tzinfo=at("2026-10-01 00:00").tzinfo)
    end = dt.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=start.tzinfo)
    escalated = {s.ticket_id for s in EscalationStep.objects.all() if s.at <= now}
    counts: dict[tuple[int, str], int] = defaultdict(int)
    groups: dict[tuple[int, int, Any], int] = defaultdict(int)
    for t in Ticket.objects.all():
        if (
            t.status in ("merged", "withdrawn")
            or not (start <= t.received_at < end)
            or t.lead_unit_id is None
        ):
            continue
        u = t.lead_unit_id
        counts[(u, "repeat")] += t.is_repeat
        counts[(u, "reopened")] += t.reopen_count > 0
        counts[(u, "overdue")] += t.overdue_at is not None and t.overdue_at <= now
        counts[(u, "escalated")] += t.pk in escalated
        if t.enterprise_id is not None:
            groups[(u, t.enterprise_id, t.category_id)] += 1
    for (u, _e, _c), n in groups.items():
        if n >= inaction.SAME_PROBLEM_MIN:
            counts[(u, "same_problem")] += n
    return {k: n for k, n in counts.items() if n >= inaction.LEVELS[k[1]][0]}


def test_findings_match_an_independent_recount_and_propose_by_severity(month: Any, login: Any) -> None:
    client = login(month.biz_office)
    r = post(client, "/inaction/2026/10/detect")
    assert r.status_code == 202, r.content
    body = client.get(f"{API}/inaction?month=2026-10").json()
    scan = InactionScan.objects.get(year=2026, month=10)
    found = {(f["unit_id"], f["pattern"]): f["cases"] for f in body["findings"]}
    assert found == recompute(2026, 10, scan.as_of)
    bureau, shuyang = month.approval_bureau.pk, month.shuyang_gov.pk
    assert found == {
        (bureau, "overdue"): 5,
        (bureau, "reopened"): 3,
        (bureau, "same_problem"): 3,
        (shuyang, "overdue"): 10,
        (shuyang, "escalated"): 2,
    }
    kinds = {(f["unit_id"], f["pattern"]): f["kind"] for f in body["findings"]}
    assert kinds[(shuyang, "overdue")] == "self_examination"  # 10 ≥ the second threshold
    assert kinds[(bureau, "overdue")] == "interview"
    overdue = next(f for f in body["findings"] if f["unit_id"] == bureau and f["pattern"] == "overdue")
    assert overdue["handlers"] == [{"id": month.city_handler.pk, "name": "审批局承办人", "cases": 5}]
    rec = AccountabilityRecord.objects.get(pk=overdue["record_id"])
    assert rec.automatic and rec.kind == "interview" and rec.status == "proposed"
    assert rec.figures["pattern"] == "overdue" and rec.figures["cases"] == 5 and "超期" in rec.reason
    records = client.get("/supervision/accountability/").content.decode()
    assert f"/supervision/inaction/2026/10/units/{bureau}/overdue/" in records
    # the cases behind a finding, through the API and the page
    cases = client.get(overdue["cases_url"]).json()
    assert cases["count"] == 5
    page = client.get(f"/supervision/inaction/2026/10/units/{bureau}/same_problem/")
    assert page.status_code == 200 and page.content.decode().count('data-testid="case-row"') == 3
    listing = client.get("/supervision/inaction/?month=2026-10").content.decode()
    assert listing.count('data-testid="inaction-row"') == 5 and "责令检查" in listing


def test_detection_is_idempotent_per_unit_month_and_pattern(month: Any, login: Any) -> None:
    client = login(month.biz_office)
    post(client, "/inaction/2026/10/detect")
    first = AccountabilityRecord.objects.filter(figures__rule="inaction").count()
    assert first == 5
    # more overdue cases: the finding is updated (now 通报批评 level), no second proposal
    for i in range(15):
        make_case(month.approval_bureau, f"2026-10-{i + 3:02d} 15:00", overdue_at="2026-10-26 10:00")
    assert client.post("/supervision/inaction/", {"month": "2026-10"}).status_code == 302
    assert AccountabilityRecord.objects.filter(figures__rule="inaction").count() == first
    finding = InactionFinding.objects.get(unit=month.approval_bureau, pattern="overdue", year=2026, month=10)
    assert finding.cases == 20 and finding.level == 3 and finding.kind == "criticism"
    assert finding.record is not None and finding.record.kind == "interview"


def test_who_may_see_and_run(month: Any, login: Any) -> None:
    post(login(month.biz_office), "/inaction/2026/10/detect")
    handler = login(month.handler_shuyang)
    r = post(handler, "/inaction/2026/10/detect")
    assert r.status_code == 403 and r.json()["code"]
    assert handler.post("/supervision/inaction/", {"month": "2026-10"}).status_code == 403
    mine = handler.get(f"{API}/inaction?month=2026-10").json()["findings"]
    assert {f["unit_id"] for f in mine} == {month.shuyang_gov.pk}
    outside = f"/inaction/2026/10/units/{month.approval_bureau.pk}/overdue"
    assert handler.get(f"{API}{outside}").status_code == 404
    assert handler.get(f"/supervision{outside}/").status_code == 404
    ent = login(month.enterprise_user)
    assert ent.get(f"{API}/inaction?month=2026-10").status_code == 404
    assert ent.get("/supervision/inaction/").status_code == 404
    bad = login(month.biz_office)
    assert bad.get(f"{API}/inaction?month=2026-13").status_code == 422
    assert bad.get(f"{API}/inaction/2026/10/units/{month.approval_bureau.pk}/nothing").status_code == 400


def test_the_background_job_detects_last_month(month: Any) -> None:
    detect_inaction_task.call()  # on 18 November: October
    assert InactionScan.objects.filter(year=2026, month=10).exists()
    assert InactionFinding.objects.filter(year=2026, month=10).count() == 5
    detect_inaction_task.call()
    assert AccountabilityRecord.objects.filter(figures__rule="inaction").count() == 5


def test_a_star_nominee_with_open_accountability_is_refused(world: Any, login: Any) -> None:
    client = login(world.biz_office)

    def nominate(person: str = "") -> Any:
        return client.post(
            f"{API}/accountability",
            data=json.dumps(
                {"kind": "star_nomination", "unit_id": world.approval_bureau.pk, "year": 2026, "month": 10,
                 "reason": "服务企业成效明显", "person_name": person}
            ),
            content_type="application/json",
        )  # fmt: skip

    r = client.post(
        f"{API}/accountability",
        data=json.dumps(
            {"kind": "self_examination", "unit_id": world.approval_bureau.pk, "year": 2026, "month": 10,
             "reason": "超期较多"}
        ),
        content_type="application/json",
    )  # fmt: skip
    assert r.status_code == 201
    refused = nominate()
    assert refused.status_code == 400
    assert refused.json()["code"] == "star_nominee_accountable"
    assert "宿迁市行政审批局有尚未办结的责令检查" in refused.json()["message"]
    assert nominate("张三").status_code == 400  # a person of a unit under an open proposal
    assert not AccountabilityRecord.objects.filter(kind="star_nomination").exists()
    record_id = r.json()["id"]
    done = client.post(
        f"{API}/accountability/{record_id}/decide",
        data=json.dumps({"status": "dropped"}),
        content_type="application/json",
    )
    assert done.status_code == 200
    assert nominate().status_code == 201
