"""Fresh, dated figures: the dashboard says 「数据截至 HH:MM」, the current month is rebuilt every ten
minutes by the scheduler (and at once when 营商办 asks), and past months, once settled, stay as they
were. Every step runs on a frozen clock."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import time_machine

from bangban.core.scheduler import registered_jobs
from bangban.supervision import dashboard, dashboard_counts
from bangban.supervision.models import DashboardMonth
from bangban.workdays.arithmetic import SHANGHAI

from .conftest import make_case

NOW = dt.datetime(2026, 11, 18, 10, 0, tzinfo=SHANGHAI)


def channel_total(data: dict[str, Any]) -> int:
    return sum(sum(s["data"]) for s in data["charts"][0]["series"])


def test_the_dashboard_is_dated_and_the_current_month_is_refreshed_every_ten_minutes(
    world: Any, login: Any
) -> None:
    client = login(world.biz_office)
    with time_machine.travel(NOW, tick=False):
        make_case(world.approval_bureau, "2026-11-18 09:00")
        dashboard_counts.refresh_live(NOW)
        page = client.get("/supervision/dashboard/?months=1").content.decode()
        assert "数据截至 2026-11-18 10:00" in page
    # A case filed five minutes later is in the counts after the next scheduled run.
    later = NOW + dt.timedelta(minutes=5)
    with time_machine.travel(later, tick=False):
        make_case(world.approval_bureau, "2026-11-18 10:04")
    run_at = NOW + dt.timedelta(minutes=10)
    job = registered_jobs()["supervision.refresh_dashboard"]
    assert job.period(NOW) != job.period(run_at)  # a new period every ten minutes
    with time_machine.travel(run_at, tick=False):
        job.task.call()
        data = json.loads(client.get("/api/v1/supervision/dashboard?months=1").content)
    assert channel_total(data) == 2
    assert data["build"]["as_of_label"] == "2026-11-18 10:10" and data["build"]["pending"] is False


def test_past_months_stay_frozen_once_settled(world: Any) -> None:
    make_case(world.approval_bureau, "2026-10-20 09:00")
    # On 1 November shortly after midnight October still changes; from 2 November it is settled.
    early = dt.datetime(2026, 11, 1, 0, 30, tzinfo=SHANGHAI)
    assert dashboard_counts.live_months(early) == [(2026, 11), (2026, 10)]
    settled_at = dt.datetime(2026, 11, 2, 3, 0, tzinfo=SHANGHAI)
    assert dashboard_counts.live_months(settled_at) == [(2026, 11)]
    dashboard_counts.refresh_month(2026, 10, settled_at)
    october = DashboardMonth.objects.get(year=2026, month=10)
    assert dashboard_counts.is_settled(october)
    make_case(world.approval_bureau, "2026-10-21 09:00")  # a late correction of the raw data
    much_later = settled_at + dt.timedelta(days=30)
    assert dashboard.request_builds([(2026, 10)], much_later, force=True) == []
    dashboard_counts.refresh_live(much_later)
    october.refresh_from_db()
    assert october.computed_at == settled_at
    assert dashboard.as_of([(2026, 10)]) == settled_at


def test_the_office_refreshes_at_once_and_others_may_not(
    world: Any, login: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with time_machine.travel(NOW, tick=False):
        make_case(world.approval_bureau, "2026-11-18 09:00")
        dashboard_counts.refresh_live(NOW)
    soon = NOW + dt.timedelta(minutes=2)
    with time_machine.travel(soon, tick=False):
        make_case(world.approval_bureau, "2026-11-18 10:01")
        office = login(world.biz_office)
        # Within ten minutes the page does not rebuild by itself …
        assert dashboard.request_builds([(2026, 11)], soon) == []
        # … but 「立即刷新」 does, in the background with the progress indicator.
        with django_capture_on_commit_callbacks(execute=True):
            response = office.post("/supervision/dashboard/refresh/?month=2026-11&months=1", follow=True)
        assert response.status_code == 200 and "已开始重新汇总 1 个月的数据" in response.content.decode()
        data = json.loads(office.get("/api/v1/supervision/dashboard?month=2026-11&months=1").content)
        assert channel_total(data) == 2 and data["build"]["as_of_label"] == "2026-11-18 10:02"
        handler = login(world.handler_shuyang)
        refused = handler.post("/api/v1/supervision/dashboard/refresh?month=2026-11&months=1")
        assert refused.status_code in (403, 404)
        assert handler.post("/supervision/dashboard/refresh/?month=2026-11&months=1").status_code in (
            403,
            404,
        )
