"""The lead units see the gaps (R3.2, R4.2): before a month or quarter ends, 市工信局 (the city) and
each county's or zone's lead unit get one reminder listing the officers behind in their area, with
a link to the compliance matrix filtered to them — once per unit and period, whoever runs the job."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from bangban.accounts.roles import Role
from bangban.conftest import make_user
from bangban.network import reminders
from bangban.network.actions import ContactInput, do_assign, do_log_contact
from bangban.network.models import LeadReminder, LeadReminderKind
from bangban.notifications.models import OutboxMessage
from bangban.workdays.arithmetic import SHANGHAI

API = "/api/v1/network"
NOW = dt.datetime(2026, 11, 27, 9, 30, tzinfo=SHANGHAI)


class Leads:
    city_head: Any  # 市工信局 单位负责人
    city_clerk: Any  # 市工信局 承办人: not an overseer of the network
    shuyang_head: Any  # 沭阳县工信局 单位负责人
    siyang_head: Any  # 泗阳县政府 单位负责人 (泗阳县 has no 工信局 in this cast)


@pytest.fixture
def leads(net: Any) -> Leads:
    """Three officers, one in each position: the city officer called his 百强 enterprise this
    month; the 沭阳 and 泗阳 officers did not, and nobody visited this quarter."""
    admin = net.world.admin
    start = dt.date(2026, 10, 1)
    for enterprise, officer in (
        (net.top100, net.city_officer),
        (net.county_key, net.county_officer),
        (net.siyang_general, net.siyang_officer),
    ):
        do_assign(
            acting_user=admin, enterprise_id=enterprise.pk, officer_id=officer.pk, started_on=start, now=NOW
        )
    do_log_contact(
        acting_user=net.city_officer,
        data=ContactInput(enterprise_id=net.top100.pk, kind="phone", contact_on=NOW.date(), summary="电话"),
        now=NOW,
    )
    OutboxMessage.objects.all().delete()
    found = Leads()
    found.city_head = make_user("head_miit_city", Role.UNIT_HEAD, unit=net.city_miit, phone="13900000011")
    found.city_clerk = make_user("clerk_miit_city", Role.HANDLER, unit=net.city_miit)
    found.shuyang_head = net.shuyang_head
    found.siyang_head = make_user("head_sq", Role.UNIT_HEAD, unit=net.world.siyang_gov)
    return found


def inbox(user: Any) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(recipient=user, channel="inapp"))


def test_lead_units_are_told_who_is_behind_in_their_area(net: Any, leads: Leads) -> None:
    assert reminders.lead_unit_for(net.world.city) == net.city_miit
    assert reminders.lead_unit_for(net.world.shuyang) == net.shuyang_miit
    assert reminders.lead_unit_for(net.world.siyang) == net.world.siyang_gov  # no 工信局: the government

    assert reminders.remind_lead_units(NOW) == 3

    (city,) = inbox(leads.city_head)
    assert city.subject == "提醒：全市有 2 名帮办专员本月尚有挂钩企业未联系"
    assert "陆晓东（1 家）" in city.body and "泗阳专员（1 家）" in city.body and "沈卫国" not in city.body
    assert (
        city.link.startswith("/network/compliance/?")
        and "behind=1" in city.link
        and "region=" not in city.link
    )
    assert OutboxMessage.objects.filter(channel="sms", address="13900000011").count() == 1
    (shuyang,) = inbox(leads.shuyang_head)
    assert shuyang.subject == "提醒：沭阳县有 1 名帮办专员本月尚有挂钩企业未联系"
    assert "陆晓东" in shuyang.body and "泗阳专员" not in shuyang.body
    assert "region=321322" in shuyang.link
    (siyang,) = inbox(leads.siyang_head)
    assert "泗阳县有 1 名" in siyang.subject and "region=321323" in siyang.link
    assert inbox(leads.city_clerk) == []  # not an overseer of the network
    assert inbox(net.county_officer) == []  # officers have their own reminder

    claims = LeadReminder.objects.filter(kind=LeadReminderKind.CONTACT, period="2026-11")
    assert {(c.unit_id, c.officers_behind) for c in claims} == {
        (net.city_miit.pk, 2),
        (net.shuyang_miit.pk, 1),
        (net.world.siyang_gov.pk, 1),
    }


def test_once_per_period_per_unit_even_with_several_workers(net: Any, leads: Leads) -> None:
    # Another worker has already claimed 沭阳's reminder for the month: this run skips that unit.
    LeadReminder.objects.create(
        unit=net.shuyang_miit, region=net.world.shuyang, kind=LeadReminderKind.CONTACT, period="2026-11"
    )
    assert reminders.remind_lead_units(NOW) == 2
    assert inbox(leads.shuyang_head) == []
    sent = OutboxMessage.objects.count()
    assert reminders.remind_lead_units(NOW) == 0  # a re-run sends nothing
    assert reminders.remind_lead_units(NOW + dt.timedelta(hours=3)) == 0
    assert OutboxMessage.objects.count() == sent
    assert LeadReminder.objects.count() == 3


def test_quarter_reminder_lists_the_officers_who_have_not_visited(net: Any, leads: Leads) -> None:
    assert reminders.remind_lead_units(NOW, visits=True) == 3
    (city,) = inbox(leads.city_head)
    assert city.subject == "提醒：全市有 3 名帮办专员本季度尚有挂钩企业未上门走访"
    assert "沈卫国（1 家）" in city.body
    assert "quarter=2026Q4" in city.link
    # The month's and the quarter's reminders are separate claims.
    assert reminders.remind_lead_units(NOW) == 3
    assert LeadReminder.objects.filter(kind=LeadReminderKind.VISIT, period="2026Q4").count() == 3


def test_nobody_behind_nothing_sent(net: Any, leads: Leads) -> None:
    for enterprise, officer in (
        (net.county_key, net.county_officer),
        (net.siyang_general, net.siyang_officer),
    ):
        do_log_contact(
            acting_user=officer,
            data=ContactInput(
                enterprise_id=enterprise.pk, kind="phone", contact_on=NOW.date(), summary="电话"
            ),
            now=NOW,
        )
    OutboxMessage.objects.all().delete()
    assert reminders.remind_lead_units(NOW) == 0
    assert not LeadReminder.objects.exists() and not OutboxMessage.objects.exists()


@time_machine.travel(NOW, tick=True)  # the matrix is opened on the day the reminder was sent
def test_the_reminders_link_opens_the_filtered_matrix(net: Any, leads: Leads, login: Any) -> None:
    reminders.remind_lead_units(NOW)
    (shuyang,) = inbox(leads.shuyang_head)
    page = login(leads.shuyang_head).get(shuyang.link)
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-testid="area-filter"' in text and "沭阳县" in text
    assert 'data-officer="officer_sy"' in text and 'data-officer="officer_sq"' not in text

    city = login(leads.city_head)
    narrowed = city.get("/network/compliance/", {"view": "officer", "behind": "1", "region": "321323"})
    assert 'data-officer="officer_sq"' in narrowed.content.decode()
    assert 'data-officer="officer_sy"' not in narrowed.content.decode()
    body = city.get(f"{API}/compliance", {"region": "321322"}).json()
    assert {row["officer_name"] for row in body["officers"]} == {"沈卫国", "陆晓东"}


def test_bad_area_filter(net: Any, leads: Leads, login: Any) -> None:
    city = login(leads.city_head)
    refused = city.get(f"{API}/compliance", {"region": "999999"})
    assert refused.status_code == 400 and refused.json()["code"] == "region_invalid"
    assert "不是本市的县区或功能区" in refused.json()["message"]
    township = city.get(f"{API}/compliance", {"region": net.world.shucheng.code})
    assert township.status_code == 400 and township.json()["code"] == "region_invalid"
    page = city.get("/network/compliance/", {"region": "999999"})
    assert page.status_code == 400 and "不是本市的县区或功能区" in page.content.decode()
    # Another county's matrix is not the 沭阳 head's to see.
    other = login(leads.shuyang_head).get(f"{API}/compliance", {"region": "321323"})
    assert other.status_code == 404
    assert login(leads.shuyang_head).get("/network/compliance/", {"region": "321323"}).status_code == 404
    assert not LeadReminder.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_remind_each_unit_once(net: Any, leads: Leads) -> None:
    """Two workers run the job at the same moment (PostgreSQL: real concurrent transactions)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions need PostgreSQL")
    import threading

    from django.db import connections

    results: list[int] = []
    barrier = threading.Barrier(2)

    def worker() -> None:
        try:
            barrier.wait()
            results.append(reminders.remind_lead_units(NOW))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(results) == 3  # each unit reminded by exactly one of the two
    assert LeadReminder.objects.count() == 3
    for head in (leads.city_head, leads.shuyang_head, leads.siyang_head):
        assert len(inbox(head)) == 1


def test_lead_unit_jobs_run_on_the_officers_days(db: Any) -> None:
    from bangban.core.scheduler import registered_jobs

    jobs = registered_jobs()
    monthly, quarterly = (
        jobs["network.remind_lead_units_monthly"],
        jobs["network.remind_lead_units_quarterly"],
    )
    assert monthly.period(NOW) == "2026-11" and quarterly.period(NOW) is None
    assert monthly.period(dt.datetime(2026, 11, 27, 8, 30, tzinfo=SHANGHAI)) is None  # office hours only
    assert quarterly.period(dt.datetime(2026, 12, 24, 10, 0, tzinfo=SHANGHAI)) == "2026Q4"
