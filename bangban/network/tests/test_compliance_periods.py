"""Compliance seen on different days (R3.2, R4.2): a month is missed only once it has ended, the
quarter's visit only once the quarter has ended, and an assignment that ended mid-quarter keeps the
months it served — a closed quarter still shows its missed months."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from bangban.network import queries
from bangban.network.actions import ContactInput, do_assign, do_log_contact
from bangban.network.rules import Quarter
from bangban.workdays.arithmetic import SHANGHAI

API = "/api/v1/network"
Q4 = Quarter(2026, 4)
SETUP = dt.datetime(2026, 12, 20, 10, 0, tzinfo=SHANGHAI)


def log(officer: Any, enterprise: Any, kind: str, day: dt.date) -> None:
    do_log_contact(
        acting_user=officer,
        data=ContactInput(enterprise_id=enterprise.pk, kind=kind, contact_on=day, summary="联系企业"),
        now=SETUP,
    )


@pytest.fixture
def q4(net: Any) -> Any:
    """2026Q4:
    * 陆晓东 serves the county key enterprise all quarter: a visit in October, a call in November,
      nothing in December;
    * 沈卫国 serves the 市工业百强 all quarter: a call every month up to November, never a visit;
    * 张干事 served the ordinary enterprise from 1 October until 李科员 took over on 15 November:
      a call in October, none in November; 李科员 called in November and visited in December."""
    admin = net.world.admin
    for enterprise, officer in (
        (net.county_key, net.county_officer),
        (net.top100, net.city_officer),
        (net.world.ent_shuyang, net.township_officer),
    ):
        do_assign(
            acting_user=admin,
            enterprise_id=enterprise.pk,
            officer_id=officer.pk,
            started_on=Q4.start,
            now=SETUP,
        )
    do_assign(
        acting_user=admin,
        enterprise_id=net.world.ent_shuyang.pk,
        officer_id=net.county_officer_low.pk,
        started_on=dt.date(2026, 11, 15),
        replace=True,
        now=SETUP,
    )
    log(net.county_officer, net.county_key, "visit", dt.date(2026, 10, 10))
    log(net.county_officer, net.county_key, "phone", dt.date(2026, 11, 10))
    log(net.city_officer, net.top100, "phone", dt.date(2026, 10, 12))
    log(net.city_officer, net.top100, "phone", dt.date(2026, 11, 12))
    log(net.township_officer, net.world.ent_shuyang, "phone", dt.date(2026, 10, 20))
    log(net.county_officer_low, net.world.ent_shuyang, "phone", dt.date(2026, 11, 20))
    log(net.county_officer_low, net.world.ent_shuyang, "visit", dt.date(2026, 12, 5))
    return net


def tallies(net: Any, now: dt.date) -> dict[str, queries.Tally]:
    period = queries.period_for(Q4, now)
    return {r.officer.display_name: r.tally for r in queries.compliance_by_officer(net.world.admin, period)}


def test_the_25th_the_month_in_progress_is_not_behind(q4: Any) -> None:
    period = queries.period_for(Q4, dt.date(2026, 12, 25))
    assert period.closed == [True, True, False] and not period.quarter_closed
    t = tallies(q4, dt.date(2026, 12, 25))
    # December not contacted yet, but it has not ended: 陆晓东 is up to date.
    assert t["陆晓东"].required == [1, 1, 1] and t["陆晓东"].contacted == [1, 1, 0]
    assert t["陆晓东"].up_to_date
    # No visit yet, but the quarter has not ended: not behind either.
    assert t["沈卫国"].visit_required == 1 and t["沈卫国"].visited == 0 and t["沈卫国"].up_to_date
    # The ended assignment keeps its missed November.
    assert t["张干事"].required == [1, 1, 0] and t["张干事"].contacted == [1, 0, 0]
    assert t["张干事"].visit_required == 0 and t["张干事"].behind == 1
    assert t["李科员"].required == [0, 1, 1] and t["李科员"].up_to_date


def test_month_end_is_still_in_progress(q4: Any) -> None:
    t = tallies(q4, dt.date(2026, 11, 30))
    assert queries.period_for(Q4, dt.date(2026, 11, 30)).closed == [True, False, False]
    # On the last day of November nobody is behind for November yet.
    assert t["张干事"].up_to_date and t["张干事"].required == [1, 1, 0]
    # The next morning November has ended: 张干事 missed it.
    t = tallies(q4, dt.date(2026, 12, 1))
    assert t["张干事"].behind == 1 and t["陆晓东"].up_to_date and t["沈卫国"].up_to_date


def test_quarter_end_and_year_end(q4: Any) -> None:
    # 31 December: the last day of the month, the quarter and the year — all still in progress.
    t = tallies(q4, dt.date(2026, 12, 31))
    assert t["陆晓东"].up_to_date and t["沈卫国"].up_to_date and t["李科员"].up_to_date
    # 1 January: the quarter is closed.
    period = queries.period_for(Q4, dt.date(2027, 1, 1))
    assert period.as_of == dt.date(2026, 12, 31) and period.closed == [True, True, True]
    t = tallies(q4, dt.date(2027, 1, 1))
    assert t["陆晓东"].behind == 1  # December missed
    assert t["沈卫国"].behind == 1 and t["沈卫国"].missing_visits == 1  # the visit missed
    assert t["李科员"].up_to_date and t["李科员"].visited == 1
    # The closed quarter keeps the assignment that ended on 15 November, with its missed month.
    assert t["张干事"].enterprises == 1 and t["张干事"].contacted == [1, 0, 0] and t["张干事"].behind == 1


def test_closed_quarter_seen_later_is_the_same(q4: Any) -> None:
    later = tallies(q4, dt.date(2027, 6, 1))
    at_close = tallies(q4, dt.date(2027, 1, 1))
    assert {k: (v.behind, v.required, v.contacted) for k, v in later.items()} == {
        k: (v.behind, v.required, v.contacted) for k, v in at_close.items()
    }


def test_enterprise_rows_mark_the_open_month(q4: Any) -> None:
    period = queries.period_for(Q4, dt.date(2026, 12, 25))
    rows = {
        (r.officer.display_name, r.enterprise.pk): r
        for r in queries.compliance_enterprises(q4.world.admin, period)
    }
    row = rows[("陆晓东", q4.county_key.pk)]
    assert [state for _, state in row.cells] == ["done", "done", "open"] and not row.behind
    ended = rows[("张干事", q4.world.ent_shuyang.pk)]
    assert [state for _, state in ended.cells] == ["done", "missed", "none"] and ended.behind
    assert not ended.visit_due


def test_region_view_and_reminders_count_current_assignments_only(q4: Any) -> None:
    period = queries.period_for(Q4, dt.date(2027, 1, 1))
    (region,) = queries.compliance_by_region(q4.world.admin, period)
    assert region.tally.enterprises == 4 and region.officers_behind == 3
    # Reminders (the month in progress) never go to an officer about an enterprise he no longer serves.
    gaps = queries.officers_with_gaps(queries.period_for(Q4, dt.date(2026, 12, 25)))
    assert q4.township_officer.pk not in gaps
    assert gaps[q4.county_officer.pk] == (1, 0) and gaps[q4.city_officer.pk] == (1, 1)


def test_api_on_the_25th_and_after_the_year_end(q4: Any, login: Any) -> None:
    with time_machine.travel(dt.datetime(2026, 12, 25, 9, 0, tzinfo=SHANGHAI), tick=False):
        body = login(q4.world.biz_office).get(f"{API}/compliance", {"quarter": Q4.code}).json()
        assert body["closed_months"] == [True, True, False]
        rows = {r["officer_name"]: r["tally"] for r in body["officers"]}
        assert rows["陆晓东"]["up_to_date"] and rows["陆晓东"]["contacted"] == [1, 1, 0]
        assert rows["张干事"]["behind"] == 1
        page = login(q4.world.biz_office).get(
            "/network/compliance/", {"quarter": Q4.code, "view": "enterprise"}
        )
        assert 'data-testid="month-open"' in page.content.decode()
    with time_machine.travel(dt.datetime(2027, 1, 4, 9, 0, tzinfo=SHANGHAI), tick=False):
        body = login(q4.world.biz_office).get(f"{API}/compliance", {"quarter": Q4.code}).json()
        rows = {r["officer_name"]: r["tally"] for r in body["officers"]}
        assert body["closed_months"] == [True, True, True]
        assert rows["陆晓东"]["behind"] == 1 and rows["沈卫国"]["visit_required"] == 1
        assert rows["沈卫国"]["behind"] == 1 and rows["李科员"]["up_to_date"]
