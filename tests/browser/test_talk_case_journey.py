"""A 恳谈会 problem becomes a case and is followed up, in a real browser (issue 16, item 7).

营商办 opens the 恳谈会 held last week, records a problem an enterprise raised, turns it into a case
with one click — the row shows the case number and its state, and the button is gone — opens the
case, whose page links back to the 恳谈会, returns by that link and records the follow-up.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from bangban.conftest import PASSWORD, World, _fresh_workday_calendar, login, world  # noqa: F401
from bangban.outreach.models import Event, EventItem
from bangban.tickets.models import Channel, Ticket

from .conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_talk_problem_becomes_a_case_and_is_followed_up(live_server: Any, page: Any, world: World) -> None:  # noqa: F811
    base = live_server.url
    event = Event.objects.create(
        kind="talk",
        theme="民营企业融资难",
        held_on=timezone.localdate() - dt.timedelta(days=7),
        created_by=world.biz_office,
    )
    log_in(page, base, "yingshangban", PASSWORD)
    page.goto(f"{base}/outreach/events/{event.pk}/")
    page.select_option("select[name=kind]", "problem")
    page.fill("textarea[name=content]", "银行对纺织企业抽贷压贷，希望协调续贷")
    page.locator("#items select[name=enterprise_id]").select_option(str(world.ent_shuyang.pk))
    page.locator("#items button[type=submit]", has_text="记录").last.click()
    row = page.locator("[data-testid=item-row]")
    row.wait_for()
    assert "银行对纺织企业抽贷压贷" in row.inner_text()

    row.locator("[data-testid=convert]").click()
    page.locator("[data-testid=item-case] a").wait_for()
    ticket = Ticket.objects.get()
    assert ticket.channel == Channel.ASSOCIATION and ticket.enterprise_id == world.ent_shuyang.pk
    cell = page.locator("[data-testid=item-case]").inner_text()
    assert ticket.number in cell and ticket.get_status_display() in cell
    assert page.locator("[data-testid=convert]").count() == 0
    assert "已转为诉求" in page.content()

    page.locator("[data-testid=item-case] a").click()
    origin = page.locator("[data-testid=case-origin]")
    origin.wait_for()
    assert "民营企业融资难" in origin.inner_text()
    origin.locator("a").click()
    page.locator("[data-testid=item-table]").wait_for()
    page.locator("[data-testid=item-row] input[name=note]").fill("已约谈两家银行，同意续贷")
    page.locator("[data-testid=item-row] button", has_text="记录").click()
    page.locator("[data-testid=item-row]", has_text="已约谈两家银行").wait_for()
    assert EventItem.objects.get().follow_ups.get().note == "已约谈两家银行，同意续贷"
    assert Ticket.objects.count() == 1
