"""The dashboard's summaries are built in the background (never in the request), and a frozen
month's drill-down lists exactly the cases counted when it was frozen."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.utils import timezone

from bangban.supervision import dashboard, dashboard_counts, idsets
from bangban.supervision.models import DashboardCell, DashboardMonth, FrozenCaseSet, Ranking

from .conftest import at, make_case

pytestmark = pytest.mark.django_db


def api(client: Any, method: str, url: str, body: Any = None) -> Any:
    if method == "get":
        return client.get(f"/api/v1/supervision{url}")
    return getattr(client, method)(
        f"/api/v1/supervision{url}", data=json.dumps(body or {}), content_type="application/json"
    )


# --- dashboard summaries in the background ------------------------------------------------------


def test_first_opening_renders_at_once_with_the_indicator_and_enqueues_one_build(
    world: Any, october: Any, login: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = login(world.biz_office)
    with django_capture_on_commit_callbacks() as enqueued:
        page = client.get("/supervision/dashboard/?month=2026-10&months=3")
    assert page.status_code == 200
    html = page.content.decode()
    assert "数据准备中" in html and 'data-testid="dashboard-progress"' in html
    assert "2026-08、2026-09、2026-10 的汇总数据正在后台生成" in html
    assert 'hx-trigger="every 3s"' in html
    # Nothing was computed inside the request: the months are only claimed.
    assert not DashboardCell.objects.exists()
    claims = DashboardMonth.objects.filter(year=2026)
    assert claims.count() == 3
    assert all(c.computed_at is None and c.requested_at is not None for c in claims)
    assert len(enqueued) == 1
    # A second request (and the polling) while the build is pending enqueues nothing more.
    with django_capture_on_commit_callbacks() as again:
        assert "数据准备中" in client.get("/supervision/dashboard/?month=2026-10&months=3").content.decode()
        status = client.get("/supervision/dashboard/status/?month=2026-10&months=3")
    assert again == []
    assert status.status_code == 200 and "数据准备中" in status.content.decode()
    assert "HX-Refresh" not in status
    # The worker builds the months; the polling then tells the page to reload, and it is full.
    enqueued[0]()
    status = client.get("/supervision/dashboard/status/?month=2026-10&months=3")
    assert status["HX-Refresh"] == "true"
    full = client.get("/supervision/dashboard/?month=2026-10&months=3").content.decode()
    assert "数据准备中" not in full
    charts = {c["key"]: c for c in api(client, "get", "/dashboard?month=2026-10&months=3").json()["charts"]}
    assert sum(sum(s["data"]) for s in charts["channel"]["series"]) == 5


def test_the_api_reports_the_build_status(
    world: Any, october: Any, login: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = login(world.biz_office)
    with django_capture_on_commit_callbacks(execute=True):
        first = api(client, "get", "/dashboard?month=2026-10&months=1").json()
    assert first["build"] == {
        "pending": True,
        "missing": ["2026-10"],
        "updating": [],
        "as_of": None,
        "as_of_label": "",
    }
    assert sum(sum(s["data"]) for s in first["charts"][0]["series"]) == 0
    second = api(client, "get", "/dashboard?month=2026-10&months=1").json()
    assert second["build"]["pending"] is False


def test_simultaneous_requests_claim_a_month_once(world: Any, monkeypatch: Any) -> None:
    enqueued: list[Any] = []
    monkeypatch.setattr(dashboard, "_enqueue", lambda months: enqueued.append(months))
    now = timezone.now()
    months = [(2026, 9), (2026, 10)]
    assert dashboard.request_builds(months, now) == months
    assert dashboard.request_builds(months, now) == []
    # The unique row per month is the claim: never two rows for a month.
    assert DashboardMonth.objects.filter(year=2026, month=10).count() == 1
    # A claim whose build was lost (worker restarted) is taken again after the timeout.
    later = now + dashboard.BUILD_TIMEOUT + dt.timedelta(minutes=1)
    assert dashboard.request_builds([(2026, 10)], later) == [(2026, 10)]


def test_a_stale_running_month_is_shown_and_rebuilt_in_the_background(
    world: Any, login: Any, django_capture_on_commit_callbacks: Any
) -> None:
    today = timezone.localdate()
    make_case(world.approval_bureau, f"{today:%Y-%m}-01 09:00")
    summary = dashboard_counts.refresh_month(today.year, today.month)
    DashboardMonth.objects.filter(pk=summary.pk).update(computed_at=timezone.now() - dt.timedelta(minutes=30))
    make_case(world.approval_bureau, f"{today:%Y-%m}-01 10:00")
    client = login(world.biz_office)
    with django_capture_on_commit_callbacks() as enqueued:
        data = api(client, "get", "/dashboard?months=1").json()
    assert data["build"]["updating"] == [f"{today:%Y-%m}"]
    # The older counts are shown meanwhile.
    assert sum(sum(s["data"]) for s in data["charts"][0]["series"]) == 1
    assert len(enqueued) == 1
    enqueued[0]()
    data = api(client, "get", "/dashboard?months=1").json()
    assert data["build"]["pending"] is False
    assert sum(sum(s["data"]) for s in data["charts"][0]["series"]) == 2


# --- frozen drill-down -------------------------------------------------------------------------


def test_id_sets_round_trip() -> None:
    ids = [5, 1, 3_000_000_000, 128, 127, 129, 16_384]
    assert idsets.decode(idsets.encode(ids)) == sorted(ids)
    assert idsets.decode(idsets.encode([])) == []
    assert idsets.decode(idsets.encode([3, 1, 3, 2, 1])) == [1, 2, 3]
    assert idsets.decode(idsets.encode([2**40, 7])) == [7, 2**40]
    many = list(range(1_000, 200_000, 3))
    packed = idsets.encode(many)
    assert idsets.decode(packed) == many
    assert len(packed) < len(many) // 10


def _drill_numbers(client: Any, unit: Any, figure: str) -> tuple[list[str], bool]:
    data = api(client, "get", f"/rankings/2026/10/units/{unit.pk}/{figure}?size=200").json()
    return [c["number"] for c in data["items"]], data["snapshot"]


def test_a_frozen_months_drill_down_keeps_the_cases_counted_then(
    world: Any, october: Any, login: Any
) -> None:
    client = login(world.biz_office)
    bureau = world.approval_bureau
    assert api(client, "post", "/rankings/2026/10/compute", {"min_cases": 1}).status_code == 200
    # Before freezing, the drill-down reads the current data.
    assert _drill_numbers(client, bureau, "total")[1] is False
    assert api(client, "post", "/rankings/2026/10/freeze").status_code == 200
    ranking = Ranking.objects.get(year=2026, month=10)
    assert ranking.cases_frozen
    # Each stored list has exactly as many cases as the frozen figure.
    for row in ranking.rows.all():
        sets = {s.figure: s for s in FrozenCaseSet.objects.filter(ranking=ranking, unit=row.unit)}
        for figure, field in (("total", "total"), ("dispatched", "dispatched"), ("responded", "responded")):
            count = sets[figure].count if figure in sets else 0
            assert count == getattr(row, field), (row.unit_name, figure)
            if figure in sets:
                assert len(idsets.decode(sets[figure].ids)) == count
    good, late, waiting = october["good"], october["late"], october["waiting"]
    frozen_total, snapshot = _drill_numbers(client, bureau, "total")
    assert snapshot is True
    assert frozen_total == [good.number, late.number, waiting.number]
    assert _drill_numbers(client, bureau, "closed_on_time")[0] == [good.number]
    assert _drill_numbers(client, bureau, "repeat")[0] == [waiting.number]

    # Later edits: a case closed late after the fact, a case moved to another unit, a case added.
    good.closed_at = at("2026-10-30 10:00")
    good.save(update_fields=["closed_at"])
    waiting.lead_unit = world.shuyang_gov
    waiting.is_repeat = False
    waiting.save(update_fields=["lead_unit", "is_repeat"])
    make_case(bureau, "2026-10-25 09:00", is_repeat=True)

    assert _drill_numbers(client, bureau, "total")[0] == frozen_total
    assert _drill_numbers(client, bureau, "closed_on_time")[0] == [good.number]
    assert _drill_numbers(client, bureau, "closed_late")[0] == [late.number]
    assert _drill_numbers(client, bureau, "repeat")[0] == [waiting.number]
    page = client.get(f"/supervision/rankings/2026/10/units/{bureau.pk}/total/")
    html = page.content.decode()
    assert page.status_code == 200 and 'data-testid="drill-snapshot"' in html
    assert waiting.number in html
    # The rows of the frozen ranking did not move either.
    rows = {r["unit_name"]: r for r in api(client, "get", "/rankings/2026/10").json()["rows"]}
    assert rows[bureau.name]["total"] == 3


def test_freezing_takes_the_figures_and_their_cases_at_the_same_moment(
    world: Any, october: Any, login: Any
) -> None:
    client = login(world.biz_office)
    assert (
        api(
            client, "post", "/rankings/2026/10/compute", {"weights": [40, 30, 30], "min_cases": 1}
        ).status_code
        == 200
    )
    make_case(world.approval_bureau, "2026-10-26 09:00")
    assert api(client, "post", "/rankings/2026/10/freeze").status_code == 200
    ranking = Ranking.objects.get(year=2026, month=10)
    # The draft's weights are kept; its counts are those of the freezing moment.
    assert (ranking.weight_response, ranking.weight_resolution, ranking.weight_satisfaction) == (40, 30, 30)
    assert ranking.rows.get(scope="all", unit=world.approval_bureau).total == 4
    assert len(_drill_numbers(client, world.approval_bureau, "total")[0]) == 4


def test_unknown_figure_of_a_frozen_month_is_refused(world: Any, october: Any, login: Any) -> None:
    client = login(world.biz_office)
    assert api(client, "post", "/rankings/2026/10/freeze").status_code == 200
    response = api(client, "get", f"/rankings/2026/10/units/{world.approval_bureau.pk}/nonsense")
    assert response.status_code == 400 and response.json()["code"] == "figure_invalid"


@pytest.mark.django_db(transaction=True)
def test_two_requests_at_the_same_moment_enqueue_one_build(monkeypatch: Any) -> None:
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("concurrent connections are exercised on PostgreSQL")
    enqueued: list[Any] = []
    monkeypatch.setattr(dashboard, "_enqueue", lambda months: enqueued.append(months))
    barrier = threading.Barrier(2)
    results: list[Any] = []

    def open_dashboard() -> None:
        from django.db import connection as own

        try:
            barrier.wait()
            results.append(dashboard.request_builds([(2026, 9), (2026, 10)]))
        finally:
            own.close()

    threads = [threading.Thread(target=open_dashboard) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    claimed = sorted(m for r in results for m in r)
    assert claimed == [(2026, 9), (2026, 10)]
    assert sum(len(x) for x in enqueued) == 2
    assert DashboardMonth.objects.filter(year=2026).count() == 2
