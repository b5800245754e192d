"""Officer oversight in the monthly supervision (R3, R4, R15): freezing a month keeps the officer
figures of `network.figures` with the ranking, the rankings page shows the units' 帮办履职率 ranking,
the 督查 通报 has a 「帮办专员履职」 section naming the officers far behind, and each of them gets a
proposed 约谈 once."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from bangban.network.models import Assignment, Contact, ContactKind
from bangban.network.tests.conftest import net  # noqa: F401 (the service network's cast)
from bangban.supervision.actions import propose_officer_interviews
from bangban.supervision.models import AccountabilityRecord, Notice, Ranking

pytestmark = pytest.mark.django_db
D = dt.date


def post(client: Any, url: str, body: Any = None) -> Any:
    return client.post(
        f"/api/v1/supervision{url}", data=json.dumps(body or {}), content_type="application/json"
    )


@pytest.fixture
def officers(net: Any) -> Any:  # noqa: F811
    """陆晓东 serves the county key enterprise since August and called only in August: September
    and October missed. 沈卫国 called the 市工业百强 in September and October."""
    admin = net.world.admin
    Assignment.objects.create(
        officer=net.county_officer, enterprise=net.county_key, started_on=D(2026, 8, 1), created_by=admin
    )
    Assignment.objects.create(
        officer=net.city_officer, enterprise=net.top100, started_on=D(2026, 9, 1), created_by=admin
    )
    for officer, enterprise, day in (
        (net.county_officer, net.county_key, D(2026, 8, 20)),
        (net.city_officer, net.top100, D(2026, 9, 3)),
        (net.city_officer, net.top100, D(2026, 10, 8)),
    ):
        Contact.objects.create(
            officer=officer, enterprise=enterprise, kind=ContactKind.PHONE, contact_on=day, summary="电话"
        )
    return net


def test_freeze_keeps_the_figures_proposes_interviews_and_the_notice_names_them(
    officers: Any, login: Any
) -> None:
    client = login(officers.world.biz_office)
    assert post(client, "/rankings/2026/10/freeze").status_code == 200
    ranking = Ranking.objects.get(year=2026, month=10)
    kept = ranking.officer_figures
    units = {u["unit_name"]: u for u in kept["units"]}
    assert units["宿迁市工业和信息化局"]["duty_rate"] == 100.0 and units["宿迁市工业和信息化局"]["rank"] == 1
    assert units["沭阳县工业和信息化局"]["duty_rate"] == 0.0 and units["沭阳县工业和信息化局"]["rank"] == 2
    assert [o["name"] for o in kept["far_behind"]] == ["陆晓东"]

    # One proposed 约谈 for the officer, on his unit, marked as proposed by the rule.
    record = AccountabilityRecord.objects.get(person_name="陆晓东")
    assert record.automatic and record.unit_id == officers.shuyang_miit.pk and record.kind == "interview"
    assert record.figures["officer_id"] == officers.county_officer.pk and "连续两个月" in record.reason
    assert propose_officer_interviews(ranking) == []  # once per officer and month
    assert AccountabilityRecord.objects.filter(person_name="陆晓东").count() == 1

    # A contact logged afterwards does not change the frozen month's figures.
    Contact.objects.create(
        officer=officers.county_officer,
        enterprise=officers.county_key,
        kind=ContactKind.PHONE,
        contact_on=D(2026, 10, 30),
        summary="补录",
    )
    api = client.get("/api/v1/supervision/rankings/2026/10").json()["officers"]
    assert [u["duty_rate"] for u in api["units"]] == [100.0, 0.0] and api["far_behind"][0]["name"] == "陆晓东"
    page = client.get("/supervision/rankings/2026/10/").content.decode()
    assert 'data-testid="officer-ranking"' in page and "帮办履职率" in page
    assert page.count('data-testid="officer-unit-row"') == 2 and "陆晓东（沭阳县工业和信息化局）" in page

    # The 督查 通报 carries the section and names the unit of the officer far behind.
    created = post(client, "/notices", {"kind": "inspection", "year": 2026, "month": 10})
    assert created.status_code == 201, created.content
    notice = Notice.objects.get(pk=created.json()["id"])
    content = notice.content
    headings = [s.get("heading") or s.get("subheading") for s in content["sections"]]
    assert "三、帮办专员履职" in headings and headings[-1] == "四、工作要求"
    text = json.dumps(content, ensure_ascii=False)
    assert "陆晓东（沭阳县工业和信息化局）：连续两个月" in text and "帮办履职率" in text
    assert officers.shuyang_miit.pk in set(notice.units.values_list("pk", flat=True))
    docx = client.get(f"/api/v1/supervision/notices/{created.json()['id']}/docx")
    assert docx.status_code == 200


def test_a_county_reader_sees_the_units_of_the_county(officers: Any, login: Any) -> None:
    post(login(officers.world.biz_office), "/rankings/2026/10/freeze")
    page = login(officers.shuyang_head).get("/supervision/rankings/2026/10/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "沭阳县工业和信息化局" in text and 'data-unit="宿迁市工业和信息化局"' not in text
