"""An officer's visit from the phone to the compliance matrix, in a real browser (issue 6, item 8).

A township officer, on a phone-sized screen, logs an on-site visit of the enterprise assigned to
him; the enterprise raised a need, which becomes a case in the same step. The enterprise's
工作联络员 confirms the visit on her phone. The quarterly compliance matrix then shows this officer
up to date and another officer, who has not contacted his enterprise in a closed quarter, behind.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import timezone

from bangban.conftest import PASSWORD, _fresh_workday_calendar, login, world  # noqa: F401
from bangban.network.actions import do_assign, do_name_liaison
from bangban.network.models import Assignment, Contact, Verification
from bangban.network.rules import Quarter
from bangban.network.tests.conftest import net  # noqa: F401
from bangban.tickets.models import Channel, Ticket

from .conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_officer_logs_a_visit_on_the_phone_and_the_matrix_shows_who_is_behind(
    live_server: Any,
    page: Any,
    phone_page: Any,
    net: Any,  # noqa: F811
) -> None:
    base = live_server.url
    admin = net.world.admin
    do_assign(acting_user=admin, enterprise_id=net.general.pk, officer_id=net.township_officer.pk)
    do_assign(acting_user=admin, enterprise_id=net.county_key.pk, officer_id=net.county_officer.pk)
    liaison = net.world.enterprise_user
    do_name_liaison(acting_user=liaison, user_id=liaison.pk, phone="13811112222")

    # 1. The officer logs the visit on the phone; the enterprise's need becomes a case.
    phone = phone_page
    log_in(phone, base, net.township_officer.username, PASSWORD)
    phone.goto(f"{base}/network/mine/")
    assert net.general.name in phone.inner_text("[data-testid=my-enterprises]")
    phone.click("[data-testid=log-contact]")
    phone.select_option("[data-testid=field-enterprise]", str(net.general.pk))
    phone.click("[data-testid=kind-visit]")
    phone.fill("[data-testid=field-summary]", "走访生产车间，了解四季度订单和用工情况。")
    phone.fill("[data-testid=field-raised]", "新生产线急需用电增容，供电部门迟迟未来勘查，希望协调加快。")
    phone.check("[data-testid=field-raise-case]")
    phone.fill("[data-testid=field-case-title]", "新生产线用电增容迟迟未勘查")
    phone.click("[data-testid=submit]")
    phone.wait_for_selector("[data-testid=linked-case] a")
    number = phone.inner_text("[data-testid=linked-case] a").strip()
    assert re.fullmatch(r"[A-Z]{2}-\d{8}-\d{4,}", number)
    assert "待企业确认" in phone.inner_text("[data-testid=verification-status]")
    ticket = Ticket.objects.get(number=number)
    contact = Contact.objects.get()
    assert ticket.channel == Channel.OFFICER and contact.ticket_id == ticket.pk
    assert ticket.enterprise_id == net.general.pk and "用电增容" in ticket.content
    # Nothing overflows sideways on the phone.
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

    # 2. The enterprise's 工作联络员 confirms the visit on her phone.
    phone.context.clear_cookies()
    log_in(phone, base, liaison.username, PASSWORD)
    phone.goto(f"{base}/network/enterprise/")
    phone.click("[data-testid=pending-visit]")
    phone.click("[data-testid=confirm]")
    phone.wait_for_selector("text=已确认走访")
    assert "企业已确认" in phone.inner_text("[data-testid=verification-status]")
    contact.refresh_from_db()
    assert contact.verification == Verification.CONFIRMED and contact.verified_by_id == liaison.pk

    # 3. The quarterly compliance matrix: this officer up to date in the quarter under way; the
    # other, who has served his enterprise since the start of the previous quarter without a
    # single contact, behind in that closed quarter (a month still under way is never behind).
    this_quarter = Quarter.of(timezone.localdate())
    last_quarter = this_quarter.previous()
    Assignment.objects.filter(officer=net.county_officer).update(started_on=last_quarter.start)
    log_in(page, base, net.world.biz_office.username, PASSWORD)
    page.goto(f"{base}/network/compliance/?quarter={this_quarter.code}")
    up_to_date = page.locator(f"[data-testid=officer-row][data-officer={net.township_officer.username}]")
    assert up_to_date.locator("[data-testid=officer-status]").inner_text().strip() == "达标"
    page.goto(f"{base}/network/compliance/?quarter={last_quarter.code}")
    behind = page.locator(f"[data-testid=officer-row][data-officer={net.county_officer.username}]")
    assert behind.locator("[data-testid=officer-status]").inner_text().strip() == "落后 1 家"
