"""The 堵点 pages, API and export as 营商办 sees them: a run on demand, the list with heat and
classes, a problem's cases (conduct complaints masked), turning a problem into 督办."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl
import pytest

from bangban.accounts.roles import Role
from bangban.audit.models import AuditEvent
from bangban.conftest import make_enterprise, make_user
from bangban.escalation.models import SupervisionOrder
from bangban.insight.models import HotspotProblem, HotspotRun, RunStatus
from bangban.tickets.models import Channel
from bangban.tickets.tests.work_helpers import make_ticket
from bangban.tickets.workflow import Status

PLANT = [
    ("金阳花园旁宏达搅拌站噪音扰民", "金阳花园小区旁边的宏达搅拌站每天夜里施工，噪音很大，影响企业职工休息"),
    ("投诉金阳花园附近宏达搅拌站", "宏达搅拌站就在金阳花园旁边，灰尘噪音严重，车间无法开窗"),
    ("金阳花园小区旁宏达搅拌站夜间施工", "请管一管宏达搅拌站，金阳花园附近企业和居民晚上都受影响"),
    ("宏达搅拌站噪音影响金阳花园", "金阳花园旁宏达搅拌站噪音扰民，多次反映无果"),
    ("金阳花园附近宏达搅拌站粉尘噪音", "宏达搅拌站粉尘噪音影响金阳花园周边企业生产"),
]
PARKING = [
    ("春江苑开发商捆绑销售车位", "春江苑要求购房必须同时购买车位，否则不卖房"),
    ("春江苑强制捆绑车位销售", "春江苑开发商捆绑销售车位，侵害购房者权益"),
    ("投诉春江苑捆绑销售车位", "春江苑捆绑车位销售，购房者被迫多花十几万"),
]
CONDUCT_TITLE = "举报宏达搅拌站噪音问题处理中某科长索要好处"


@pytest.fixture
def city(world: Any, demo_clock: dt.datetime) -> dict[str, Any]:
    now = demo_clock
    others = [make_enterprise(f"沭阳示例{i}号有限公司", world.shucheng, "321322", 10 + i) for i in range(3)]
    plant = []
    for i, (title, content) in enumerate(PLANT):
        plant.append(
            make_ticket(
                world, title=title, content=content, enterprise=([world.ent_shuyang, *others])[i % 4],
                region=world.shucheng if i < 4 else world.siyang, lead_unit=world.shuyang_gov,
                status=Status.IN_PROGRESS if i < 3 else Status.CLOSED,
                received_at=now - dt.timedelta(days=2 + i), now=now,
            )
        )  # fmt: skip
    conduct = make_ticket(
        world, title=CONDUCT_TITLE, content="宏达搅拌站噪音扰民，金阳花园附近，经办科长索要好处", channel=Channel.CONDUCT,
        lead_unit=world.shuyang_gov, status=Status.IN_PROGRESS, received_at=now - dt.timedelta(days=3), now=now,
    )  # fmt: skip
    parking = [
        make_ticket(world, title=t, content=c, received_at=now - dt.timedelta(days=offset + k), now=now)
        for offset in (5, 35, 65)
        for k, (t, c) in enumerate(PARKING)
    ]
    make_ticket(
        world,
        title="人民路路灯不亮",
        content="人民路东段路灯坏了一个月",
        received_at=now - dt.timedelta(days=4),
    )
    return {"plant": plant, "conduct": conduct, "parking": parking, "now": now}


def _run(world: Any, login: Any, capture: Any, days: str = "30") -> Any:
    client = login(world.biz_office)
    with capture(execute=True):
        response = client.post("/insight/hotspots/run/", {"days": days})
    assert response.status_code == 302
    return client


def test_run_on_demand_lists_problems_with_heat_and_classes(
    world: Any, city: dict[str, Any], login: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = _run(world, login, django_capture_on_commit_callbacks)
    run = HotspotRun.objects.get()
    assert run.status == RunStatus.DONE and run.progress == 100 and run.window_days == 30
    assert AuditEvent.objects.filter(action="insight.hotspot_run_requested").count() == 1
    page = client.get("/insight/hotspots/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "热度 = 诉求数 + 2 × 涉及企业数" in html
    plant = HotspotProblem.objects.get(run=run, label__contains="搅拌站")
    # Five plant cases and the conduct complaint: all counted, four enterprises, two regions.
    assert plant.case_count == 6 and plant.enterprise_count == 4 and plant.region_count == 2
    assert plant.rank == 1 and plant.emerging and plant.concentrated
    # 6 cases, 4 enterprises, 2 regions, 4 days (2 to 6 days ago), no repeats or bad ratings.
    assert plant.day_span == 4 and plant.heat == round(6 + 2 * 4 + 1.5 * 1 + 4 / 7, 1)
    assert f'href="/insight/hotspots/{plant.pk}/"' in html and "苗头性" in html
    parking = HotspotProblem.objects.get(run=run, label__contains="车位")
    # Three cases now against three in each of the two earlier windows: not emerging.
    assert parking.case_count == 3 and parking.baseline == 3.0 and not parking.emerging
    assert not HotspotProblem.objects.filter(run=run, label__contains="路灯").exists()


def test_problem_page_links_cases_and_hides_the_conduct_complainant(
    world: Any, city: dict[str, Any], login: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = _run(world, login, django_capture_on_commit_callbacks)
    plant = HotspotProblem.objects.get(label__contains="搅拌站")
    html = client.get(f"/insight/hotspots/{plant.pk}/").content.decode()
    for case in city["plant"]:
        assert f'href="/cases/{case.pk}/"' in html
    assert CONDUCT_TITLE not in html and city["conduct"].number not in html
    assert "作风投诉（依规不显示内容和投诉人）" in html
    assert plant.representative_id != city["conduct"].pk
    api = client.get(f"/api/v1/insight/hotspots/{plant.pk}")
    assert api.status_code == 200
    body = api.json()
    assert body["case_count"] == 6 and len(body["cases"]) == 6
    masked = [c for c in body["cases"] if c["masked"]]
    assert len(masked) == 1 and masked[0]["ticket_id"] is None and masked[0]["number"] == ""
    assert CONDUCT_TITLE not in api.content.decode()


def test_api_list_and_export(
    world: Any, city: dict[str, Any], login: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = _run(world, login, django_capture_on_commit_callbacks)
    listed = client.get("/api/v1/insight/hotspots?size=1").json()
    assert listed["count"] == 2 and len(listed["items"]) == 1
    assert "搅拌站" in listed["items"][0]["label"] and "苗头性" in listed["items"][0]["classes"]
    month = f"{city['now']:%Y-%m}"
    assert client.get(f"/api/v1/insight/hotspots?month={month}").json()["count"] == 2
    assert client.get("/api/v1/insight/hotspots?month=2026-13").json()["code"] == "month_invalid"
    assert client.get("/api/v1/insight/hotspots?month=2025-01").json()["count"] == 0
    assert client.get("/api/v1/insight/hotspots?run=999999").status_code == 404
    response = client.get("/insight/hotspots/?export=xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(
        io.BytesIO(b"".join(response.streaming_content if response.streaming else [response.content]))
    ).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("排名", "堵点", "热度")
    assert "搅拌站" in rows[1][1] and rows[1][5] == 6
    assert all(CONDUCT_TITLE not in str(cell) for row in rows for cell in row if cell)
    assert AuditEvent.objects.filter(action="insight.hotspots_export").count() == 1


def test_others_may_not_see_hotspots(world: Any, city: dict[str, Any], login: Any) -> None:
    handler = login(world.handler_shuyang)
    assert handler.get("/insight/hotspots/").status_code == 403
    assert handler.get("/api/v1/insight/hotspots").json()["code"] == "hotspots_forbidden"
    assert handler.post("/insight/hotspots/run/", {"days": "30"}).status_code == 403
    assert not HotspotRun.objects.exists()


def test_bad_window_and_a_second_run_are_refused(
    world: Any, city: dict[str, Any], login: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = login(world.biz_office)
    response = client.post("/insight/hotspots/run/", {"days": "0"}, follow=True)
    assert "分析窗口应为 1 至 366 天" in response.content.decode()
    assert not HotspotRun.objects.exists()
    client.post("/insight/hotspots/run/", {"days": "30"})  # queued, not run (no commit callbacks)
    assert HotspotRun.objects.get().status == RunStatus.QUEUED
    page = client.get("/insight/hotspots/").content.decode()
    assert 'data-testid="hotspot-progress"' in page
    response = client.post("/insight/hotspots/run/", {"days": "30"}, follow=True)
    assert "已有一次堵点分析正在进行" in response.content.decode()
    assert HotspotRun.objects.count() == 1


def test_turning_a_problem_into_supervision_orders_every_open_case(
    world: Any, city: dict[str, Any], login: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = _run(world, login, django_capture_on_commit_callbacks)
    plant = HotspotProblem.objects.get(label__contains="搅拌站")
    stale = client.post(
        f"/insight/hotspots/{plant.pk}/escalate/", {"content": "请统一整改", "version": "0"}, follow=True
    )
    assert "记录已被他人修改" in stale.content.decode() and not SupervisionOrder.objects.exists()
    response = client.post(
        f"/insight/hotspots/{plant.pk}/escalate/",
        {"content": "请统一整改", "version": str(plant.version)},
        follow=True,
    )
    assert "已转为督办" in response.content.decode()
    orders = SupervisionOrder.objects.order_by("ticket_id")
    # The three open plant cases; not the closed ones, not the conduct complaint.
    assert [o.ticket_id for o in orders] == [c.pk for c in city["plant"][:3]]
    assert all("【堵点督办】" in o.content and "请统一整改" in o.content for o in orders)
    plant.refresh_from_db()
    assert plant.escalated_at is not None and plant.escalation_orders == [o.pk for o in orders]
    assert AuditEvent.objects.filter(action="insight.hotspot_escalated").count() == 1
    again = client.post(
        f"/insight/hotspots/{plant.pk}/escalate/",
        {"content": "再次", "version": str(plant.version)},
        follow=True,
    )
    assert "该堵点已转为督办" in again.content.decode()
    assert SupervisionOrder.objects.count() == 3
    other = make_user("mayor_office_1", Role.MAYOR_OFFICE, unit=world.biz_office_unit)
    assert login(other).post(f"/insight/hotspots/{plant.pk}/escalate/", {"content": "x"}).status_code == 403


def test_a_run_lost_for_hours_does_not_block_a_new_one(
    world: Any, city: dict[str, Any], login: Any, django_capture_on_commit_callbacks: Any
) -> None:
    lost = HotspotRun.objects.create(
        window_start=city["now"] - dt.timedelta(days=31), window_end=city["now"] - dt.timedelta(hours=3),
        window_days=30, requested_at=city["now"] - dt.timedelta(hours=3), status=RunStatus.RUNNING,
    )  # fmt: skip
    client = login(world.biz_office)
    page = client.get("/insight/hotspots/").content.decode()
    assert 'data-testid="hotspot-progress"' not in page and 'data-testid="hotspots-run">' in page
    _run(world, login, django_capture_on_commit_callbacks)
    assert HotspotRun.objects.exclude(pk=lost.pk).get().status == RunStatus.DONE
