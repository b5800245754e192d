"""Rankings: figures, composite score, settings, freezing, drill-down, export and scope."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bangban.audit.models import AuditEvent
from bangban.supervision import actions
from bangban.supervision.models import AccountabilityRecord, Ranking, RankingStatus, SupervisionSettings

from .conftest import at, make_case

pytestmark = pytest.mark.django_db


def api(client: Any, method: str, url: str, body: Any = None) -> Any:
    if method == "get":
        return client.get(f"/api/v1/supervision{url}")
    return getattr(client, method)(
        f"/api/v1/supervision{url}", data=json.dumps(body or {}), content_type="application/json"
    )


def test_figures_of_a_unit_and_the_composite_score(world: Any, october: Any, login: Any) -> None:
    response = login(world.biz_office).get("/api/v1/supervision/rankings/2026/10")
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "preview"
    rows = {r["unit_name"]: r for r in data["rows"]}
    bureau = rows["宿迁市行政审批局"]
    assert (bureau["total"], bureau["dispatched"], bureau["responded"]) == (3, 3, 1)
    assert bureau["response_rate"] == pytest.approx(33.33)
    assert bureau["on_time_rate"] == 50.0
    assert bureau["resolution_rate"] == 50.0
    assert bureau["satisfaction_rate"] == 50.0
    assert bureau["repeat_count"] == 1
    assert bureau["overdue_count"] == 1
    assert bureau["score"] == pytest.approx(45.0)
    # Default minimum of 5 cases: nobody is ranked yet.
    assert bureau["rank"] is None
    shuyang = rows["沭阳县人民政府"]
    assert shuyang["score"] == 100.0


def test_compute_with_a_lower_minimum_ranks_and_marks_the_bottom(
    world: Any, october: Any, login: Any
) -> None:
    client = login(world.biz_office)
    response = api(client, "post", "/rankings/2026/10/compute", {"min_cases": 1})
    assert response.status_code == 200, response.content
    rows = {r["unit_name"]: r for r in response.json()["rows"]}
    assert rows["沭阳县人民政府"]["rank"] == 1
    assert rows["宿迁市行政审批局"]["rank"] == 2
    assert rows["宿迁市行政审批局"]["is_bottom"] is True
    assert AuditEvent.objects.filter(action="supervision.ranking_compute").count() == 1


def test_weights_that_do_not_sum_to_100_are_refused(world: Any, login: Any) -> None:
    client = login(world.biz_office)
    response = api(
        client,
        "put",
        "/settings",
        {"weight_response": 30, "weight_resolution": 30, "weight_satisfaction": 30},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "weights_sum_invalid"
    assert "之和必须为 100" in response.json()["message"]
    cfg = SupervisionSettings.objects.get_or_create(pk=1)[0]
    assert (cfg.weight_response, cfg.weight_resolution, cfg.weight_satisfaction) == (30, 35, 35)
    response = api(client, "post", "/rankings/2026/10/compute", {"weights": [50, 50, 10]})
    assert response.status_code == 400 and response.json()["code"] == "weights_sum_invalid"
    assert not Ranking.objects.exists()
    # The page shows the message next to the form and changes nothing.
    page = client.post(
        "/supervision/settings/",
        {
            "weight_response": 10,
            "weight_resolution": 10,
            "weight_satisfaction": 10,
            "min_cases": 5,
            "response_hours": 24,
            "ledger_due_day": 25,
            "bottom_places": 1,
            "bottom_months": 2,
        },
    )
    assert page.status_code == 200
    assert "三项权重之和必须为 100（当前为 30）" in page.content.decode()
    ok = api(
        client,
        "put",
        "/settings",
        {"weight_response": 20, "weight_resolution": 40, "weight_satisfaction": 40},
    )
    assert ok.status_code == 200 and ok.json()["weight_response"] == 20
    assert AuditEvent.objects.filter(action="supervision.settings_update").count() == 1


def test_only_the_business_office_changes_settings(world: Any, login: Any) -> None:
    response = api(login(world.handler_shuyang), "put", "/settings", {"min_cases": 1})
    assert response.status_code == 403


def test_a_month_without_cases_shows_an_empty_state(world: Any, login: Any) -> None:
    client = login(world.biz_office)
    page = client.get("/supervision/rankings/2025/3/")
    assert page.status_code == 200
    assert "2025年3月暂无诉求，无排名数据" in page.content.decode()
    assert api(client, "get", "/rankings/2025/3").json()["rows"] == []
    frozen = api(client, "post", "/rankings/2025/3/freeze")
    assert frozen.status_code == 200 and frozen.json()["status"] == "frozen"
    assert client.get("/supervision/rankings/2025/3/?export=xlsx").status_code == 200
    assert client.get("/supervision/meeting/?month=2025-03").status_code == 200
    assert client.get("/supervision/rankings/2025/13/").status_code == 400


def test_a_frozen_ranking_is_a_snapshot_that_cannot_be_edited(world: Any, october: Any, login: Any) -> None:
    client = login(world.biz_office)
    assert api(client, "post", "/rankings/2026/10/compute", {"min_cases": 1}).status_code == 200
    response = api(client, "post", "/rankings/2026/10/freeze")
    assert response.status_code == 200
    ranking = Ranking.objects.get(year=2026, month=10)
    assert ranking.status == RankingStatus.FROZEN
    # Later data does not change the snapshot.
    make_case(world.approval_bureau, "2026-10-25 09:00", dispatched_at="2026-10-25 10:00")
    rows = {r["unit_name"]: r for r in api(client, "get", "/rankings/2026/10").json()["rows"]}
    assert rows["宿迁市行政审批局"]["total"] == 3
    # Editing it is refused, with nothing changed.
    again = api(client, "post", "/rankings/2026/10/compute", {"weights": [40, 30, 30]})
    assert again.status_code == 409
    assert again.json()["code"] == "ranking_frozen"
    ranking.refresh_from_db()
    assert ranking.weight_response == 30
    assert api(client, "post", "/rankings/2026/10/freeze").json()["code"] == "ranking_frozen"
    page = client.post(
        "/supervision/rankings/2026/10/compute/",
        {"weight_response": 40, "weight_resolution": 30, "weight_satisfaction": 30},
        follow=True,
    )
    assert "该月排名已冻结为快照" in page.content.decode()


def test_an_open_month_cannot_be_frozen(world: Any, login: Any) -> None:
    response = api(login(world.biz_office), "post", "/rankings/2099/1/freeze")
    assert response.status_code == 400 and response.json()["code"] == "month_not_closed"


def test_the_page_shows_the_formula_and_the_cases_behind_a_figure(
    world: Any, october: Any, login: Any
) -> None:
    client = login(world.biz_office)
    html = client.get("/supervision/rankings/2026/10/").content.decode()
    assert "综合得分" in html and "响应率×30" in html and "满意率×35" in html
    assert "统计口径" in html and "签收时限：派单后24小时" in html
    drill = client.get(f"/supervision/rankings/2026/10/units/{world.approval_bureau.pk}/not_responded/")
    assert drill.status_code == 200
    body = drill.content.decode()
    assert october["late"].number in body and october["waiting"].number in body
    assert october["good"].number not in body
    via_api = api(client, "get", f"/rankings/2026/10/units/{world.approval_bureau.pk}/dissatisfied")
    assert [c["number"] for c in via_api.json()["items"]] == [october["late"].number]
    export = client.get("/supervision/rankings/2026/10/?export=xlsx")
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_county_user_sees_only_its_county(world: Any, october: Any, login: Any) -> None:
    client = login(world.handler_shuyang)
    rows = api(client, "get", "/rankings/2026/10").json()["rows"]
    assert [r["unit_name"] for r in rows] == ["沭阳县人民政府"]
    outside = client.get(f"/supervision/rankings/2026/10/units/{world.approval_bureau.pk}/total/")
    # A city department lies outside the county's scope.
    assert outside.status_code == 404
    assert client.get(f"/supervision/dashboard/?region={world.siyang.pk}").status_code == 404
    assert api(client, "get", f"/dashboard?region={world.siyang.pk}").status_code == 404
    own = client.get(f"/supervision/dashboard/?region={world.shuyang.pk}")
    assert own.status_code == 200
    assert client.get(f"/supervision/cases/?region={world.siyang.pk}").status_code == 404
    assert login(world.enterprise_user).get("/supervision/rankings/").status_code == 404


def test_two_bottom_months_in_a_row_propose_an_interview(world: Any, october: Any, login: Any) -> None:
    for case in ("2026-09-10 09:00", "2026-09-11 09:00"):
        make_case(world.approval_bureau, case, dispatched_at=case)
    make_case(
        world.shuyang_gov,
        "2026-09-12 09:00",
        dispatched_at="2026-09-12 09:00",
        accepted_at="2026-09-12 10:00",
    )
    client = login(world.biz_office)
    for month in (9, 10):
        assert api(client, "post", f"/rankings/2026/{month}/compute", {"min_cases": 1}).status_code == 200
    assert api(client, "post", "/rankings/2026/9/freeze").status_code == 200
    assert not AccountabilityRecord.objects.exists()
    assert api(client, "post", "/rankings/2026/10/freeze").status_code == 200
    proposal = AccountabilityRecord.objects.get()
    assert proposal.unit == world.approval_bureau
    assert proposal.kind == "interview" and proposal.automatic
    assert "连续2个月位列末位" in proposal.reason
    assert AuditEvent.objects.filter(action="supervision.accountability_propose").exists()


def test_dashboard_charts_and_exports(
    world: Any, october: Any, login: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = login(world.biz_office)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.get("/supervision/dashboard/?month=2026-10")
    assert page.status_code == 200
    html = page.content.decode()
    assert "echarts.min.js" in html and "chart-data" in html
    data = api(client, "get", "/dashboard?month=2026-10").json()
    charts = {c["key"]: c for c in data["charts"]}
    assert set(charts) == {"channel", "category", "region", "overdue", "ranking", "satisfaction"}
    assert sum(sum(s["data"]) for s in charts["channel"]["series"]) == 5
    assert client.get("/supervision/dashboard/?month=2026-10&export=channel").status_code == 200
    cases = client.get("/supervision/cases/?month=2026-10&channel=hotline")
    assert cases.status_code == 200 and october["good"].number in cases.content.decode()


def test_meeting_pack(world: Any, october: Any, login: Any) -> None:
    client = login(world.biz_office)
    page = client.get("/supervision/meeting/?month=2026-10")
    assert page.status_code == 200
    assert "受理涉企诉求 5 件" in page.content.decode()
    assert client.get("/supervision/meeting/?month=2026-10&export=xlsx").status_code == 200
    docx = client.get("/supervision/meeting/?month=2026-10&export=docx")
    assert docx.status_code == 200 and docx["Content-Type"].endswith("wordprocessingml.document")


def test_actions_refuse_users_outside_supervision(world: Any) -> None:
    from bangban.core.errors import ApplicationError

    with pytest.raises(ApplicationError):
        actions.do_compute_ranking(world.handler_shuyang, 2026, 10)


def test_dashboard_counts_come_from_monthly_summaries(
    world: Any, october: Any, login: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from bangban.supervision.dashboard_counts import refresh_month
    from bangban.supervision.models import DashboardMonth

    client = login(world.biz_office)

    def hotline_total() -> int:
        # The first request enqueues the missing month's build (run here when it commits).
        with django_capture_on_commit_callbacks(execute=True):
            api(client, "get", "/dashboard?month=2026-10&months=1")
        charts = {
            c["key"]: c for c in api(client, "get", "/dashboard?month=2026-10&months=1").json()["charts"]
        }
        return sum(sum(s["data"]) for s in charts["channel"]["series"])

    assert hotline_total() == 5
    assert DashboardMonth.objects.filter(year=2026, month=10).exists()
    make_case(world.shuyang_gov, "2026-10-28 09:00")
    # A closed month's summary is read as it is until the nightly refresh.
    assert hotline_total() == 5
    refresh_month(2026, 10)
    assert hotline_total() == 6
    # The county sees its own cases only.
    county = login(world.handler_shuyang)
    charts = {
        c["key"]: c
        for c in county.get("/api/v1/supervision/dashboard?month=2026-10&months=1").json()["charts"]
    }
    assert sum(sum(s["data"]) for s in charts["channel"]["series"]) == 3


def test_dashboard_categories_and_regions_agree_with_a_recount_of_the_cases(
    world: Any, october: Any, login: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from bangban.org.models import Region
    from bangban.tickets.models import Category
    from bangban.tickets.public import counted_cases

    def category(code: str, name: str, parent: Any = None) -> Any:
        path = f"{parent.path}/{name}" if parent else name
        return Category.objects.create(code=code, name=name, parent=parent, path=path)

    approvals = category("T1", "审批服务")
    energy = category("T2", "水电气")
    make_case(world.shuyang_gov, "2026-10-20 09:00", category=category("T11", "施工许可", approvals))
    make_case(world.shuyang_gov, "2026-10-21 09:00", category=category("T12", "竣工验收", approvals))
    make_case(world.approval_bureau, "2026-10-22 09:00", category=energy)
    make_case(world.approval_bureau, "2026-10-23 09:00", category=energy, status="withdrawn")

    def charts(client: Any) -> dict[str, Any]:
        with django_capture_on_commit_callbacks(execute=True):
            api(client, "get", "/dashboard?month=2026-10&months=1")
        body = api(client, "get", "/dashboard?month=2026-10&months=1").json()
        return {
            c["key"]: dict(zip(c["categories"], c["series"][0]["data"], strict=True)) for c in body["charts"]
        }

    # Recounted from the cases themselves: the first-level category of each counted case of October.
    october_cases = counted_cases().filter(
        received_at__gte=at("2026-10-01 00:00"), received_at__lt=at("2026-11-01 00:00")
    )
    expected: dict[str, int] = {}
    for path in october_cases.values_list("category__path", flat=True):
        root = (path or "未分类").split("/")[0]
        expected[root] = expected.get(root, 0) + 1
    got = charts(login(world.biz_office))
    assert got["category"] == expected and expected["审批服务"] == 2 and expected["水电气"] == 1
    # The regions under the city, each counting the cases located in it or below it.
    city = Region.objects.get(parent=None)
    by_region = {
        r.name: october_cases.filter(region__path__startswith=r.path).count()
        for r in Region.objects.filter(parent=city)
    }
    assert got["region"] == by_region and sum(by_region.values()) >= 3


def test_missing_sources_are_stated_not_fatal(world: Any, october: Any, login: Any, monkeypatch: Any) -> None:
    import sys

    from bangban.supervision import sources

    client = login(world.biz_office)
    assert client.get("/supervision/rankings/").status_code == 200  # the URLconf and API are loaded
    for name in ("bangban.ratings.figures", "bangban.escalation.figures", "bangban.outreach.figures"):
        monkeypatch.setitem(sys.modules, name, None)
    assert sources.ratings_figures(2026, 10).available is False
    assert sources.escalation_figures(2026, 10).label == "暂无数据来源"
    html = client.get("/supervision/rankings/2026/10/").content.decode()
    assert "好差评、差评整改：暂无数据来源" in html
    data = api(client, "get", "/rankings/2026/10").json()
    assert data["sources"] == {"ratings": False}
    assert api(client, "post", "/rankings/2026/10/freeze").status_code == 200
    created = api(client, "post", "/notices", {"kind": "inspection", "year": 2026, "month": 10})
    assert created.status_code == 201
    assert api(client, "post", "/ledgers/generate", {"year": 2026, "month": 10}).status_code == 200
