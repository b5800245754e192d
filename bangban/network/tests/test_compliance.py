"""The compliance matrix (R3.2: a contact a month; R4.2: an on-site visit a quarter), per officer and
per region, its export, and the reminders before a period ends."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from bangban.audit.models import AuditEvent
from bangban.network import queries, reminders
from bangban.network.actions import ContactInput, do_assign, do_log_contact, do_log_leader_visit
from bangban.network.rules import Quarter
from bangban.notifications.models import OutboxMessage
from bangban.workdays.arithmetic import SHANGHAI

API = "/api/v1/network"


def log(officer: Any, enterprise: Any, kind: str, day: dt.date) -> None:
    do_log_contact(
        acting_user=officer,
        data=ContactInput(enterprise_id=enterprise.pk, kind=kind, contact_on=day, summary="联系企业"),
    )


@pytest.fixture
def quarter(net: Any) -> Quarter:
    """Last quarter, complete: the city officer kept up (a visit, then a call each month); the
    county officer called once and never visited."""
    q = Quarter.of(timezone.localdate()).previous()
    admin = net.world.admin
    do_assign(
        acting_user=admin, enterprise_id=net.top100.pk, officer_id=net.city_officer.pk, started_on=q.start
    )
    do_assign(
        acting_user=admin,
        enterprise_id=net.county_key.pk,
        officer_id=net.county_officer.pk,
        started_on=q.start,
    )
    (m1, _), (m2, _), (m3, _) = q.months
    log(net.city_officer, net.top100, "visit", m1 + dt.timedelta(days=4))
    log(net.city_officer, net.top100, "phone", m2 + dt.timedelta(days=4))
    log(net.city_officer, net.top100, "wechat", m3 + dt.timedelta(days=4))
    log(net.county_officer, net.county_key, "phone", m1 + dt.timedelta(days=2))
    return q


def officers(client: Any, q: Quarter) -> dict[str, Any]:
    body = client.get(f"{API}/compliance", {"quarter": q.code}).json()
    return {row["officer_name"]: row["tally"] for row in body["officers"]}


def test_matrix_per_officer_shows_who_is_behind(net: Any, quarter: Quarter, login: Any) -> None:
    rows = officers(login(net.world.biz_office), quarter)
    assert rows["沈卫国"] == {
        "enterprises": 1,
        "contacted": [1, 1, 1],
        "required": [1, 1, 1],
        "visited": 1,
        "visit_required": 1,
        "behind": 0,
        "up_to_date": True,
    }
    assert rows["陆晓东"] == {
        "enterprises": 1,
        "contacted": [1, 0, 0],
        "required": [1, 1, 1],
        "visited": 0,
        "visit_required": 1,
        "behind": 1,
        "up_to_date": False,
    }


def test_matrix_per_region(net: Any, quarter: Quarter, login: Any) -> None:
    body = (
        login(net.world.biz_office).get(f"{API}/compliance", {"quarter": quarter.code, "by": "region"}).json()
    )
    assert [r["region_name"] for r in body["regions"]] == ["沭阳县"]
    region = body["regions"][0]
    assert (
        region["tally"]["enterprises"] == 2
        and region["tally"]["behind"] == 1
        and region["officers_behind"] == 1
    )


def test_matrix_page_and_scope(net: Any, quarter: Quarter, login: Any) -> None:
    page = login(net.shuyang_head).get("/network/compliance/", {"quarter": quarter.code}).content.decode()
    assert page.count('data-testid="officer-row"') == 2
    assert "达标" in page and "落后 1 家" in page
    # An officer sees his or her own row only; a handler without an oversight role sees nothing.
    own = officers(login(net.county_officer), quarter)
    assert list(own) == ["陆晓东"]
    assert login(net.world.handler_siyang).get(f"{API}/compliance").status_code == 404
    # A county's overseer sees none of another county's assignments.
    siyang_head = login(_siyang_head(net))
    assert officers(siyang_head, quarter) == {}
    enterprise_view = login(net.world.biz_office).get(
        "/network/compliance/", {"quarter": quarter.code, "view": "enterprise", "behind": "1"}
    )
    text = enterprise_view.content.decode()
    assert net.county_key.name in text and net.top100.name not in text


def _siyang_head(net: Any) -> Any:
    from bangban.accounts.roles import Role
    from bangban.conftest import make_user

    return make_user("head_sq", Role.UNIT_HEAD, unit=net.world.siyang_gov)


def test_months_before_the_assignment_and_leaders_visits_do_not_count(net: Any, login: Any) -> None:
    q = Quarter.of(timezone.localdate()).previous()
    (_, _), (_, _), (m3, _) = q.months
    do_assign(
        acting_user=net.world.admin,
        enterprise_id=net.general.pk,
        officer_id=net.township_officer.pk,
        started_on=m3,
    )
    do_log_leader_visit(
        acting_user=net.world.biz_office,
        data=ContactInput(
            enterprise_id=net.general.pk,
            contact_on=m3,
            summary="领导走访",
            leader_name="刘副市长",
            policies_delivered="政策",
        ),
    )
    log(net.township_officer, net.general, "phone", m3)
    tally = officers(login(net.world.biz_office), q)["张干事"]
    assert tally["required"] == [0, 0, 1] and tally["contacted"] == [0, 0, 1]
    assert tally["visited"] == 0 and not tally["up_to_date"]  # the leader's visit is not the officer's


def test_current_quarter_counts_only_the_months_so_far(net: Any) -> None:
    today = timezone.localdate()
    period = queries.period_for(Quarter.of(today), today)
    assert period.as_of == today
    assert [needed for _, needed in period.months] == [
        start <= today for start, _ in Quarter.of(today).months
    ]


def test_export(net: Any, quarter: Quarter, login: Any) -> None:
    client = login(net.world.biz_office)
    response = client.get("/network/compliance/export.xlsx", {"quarter": quarter.code})
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    ws = workbook.active
    assert ws is not None
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "帮办专员"
    by_name = {r[0]: r for r in rows[1:]}
    assert by_name["沈卫国"][-1] == "达标" and by_name["陆晓东"][-1] == "落后（1 家）"
    event = AuditEvent.objects.get(action="network.compliance_export")
    assert event.after == {"quarter": quarter.code, "view": "officer", "count": 2}
    regions = client.get("/network/compliance/export.xlsx", {"quarter": quarter.code, "view": "region"})
    assert regions.status_code == 200


def test_invalid_quarter(net: Any, login: Any) -> None:
    response = login(net.world.biz_office).get(f"{API}/compliance", {"quarter": "2026Q9"})
    assert response.status_code == 400 and response.json()["code"] == "invalid_quarter"


# --- reminders ---------------------------------------------------------------------------------------


def test_reminders_go_once_per_period_to_officers_behind(net: Any) -> None:
    now = dt.datetime(2026, 11, 27, 9, 30, tzinfo=SHANGHAI)
    today = now.date()
    do_assign(
        acting_user=net.world.admin,
        enterprise_id=net.top100.pk,
        officer_id=net.city_officer.pk,
        started_on=dt.date(2026, 10, 1),
        now=now,
    )
    do_assign(
        acting_user=net.world.admin,
        enterprise_id=net.county_key.pk,
        officer_id=net.county_officer.pk,
        started_on=dt.date(2026, 10, 1),
        now=now,
    )
    do_log_contact(
        acting_user=net.city_officer,
        data=ContactInput(enterprise_id=net.top100.pk, kind="phone", contact_on=today, summary="电话"),
        now=now,
    )
    OutboxMessage.objects.all().delete()
    assert reminders.month_period(now) == "2026-11"
    assert reminders.month_period(dt.datetime(2026, 11, 10, 10, 0, tzinfo=SHANGHAI)) is None
    assert reminders.quarter_period(now) is None
    assert reminders.quarter_period(dt.datetime(2026, 12, 24, 10, 0, tzinfo=SHANGHAI)) == "2026Q4"
    assert reminders.remind_officers(now) == 1
    message = OutboxMessage.objects.get(channel="inapp")
    assert message.recipient_id == net.county_officer.pk and "本月还有 1 家" in message.subject
    assert OutboxMessage.objects.filter(channel="sms", address="13900000002").count() == 1
    reminders.remind_officers(now)
    assert OutboxMessage.objects.filter(recipient=net.county_officer).count() == 2  # nothing new
    # The quarter's visit reminder names both (neither visited).
    assert reminders.remind_officers(now, visits=True) == 2
