"""A 解难帮扶会办会 from the schedule to 办结, in a real browser (issue 16, item 3).

营商办 picks two key enterprises, sees their open problems (a problem an officer heard on the phone
and an open case), schedules the meeting and invites two units; records the minutes (召开); hands
the officer's problem to 沭阳县工信局 by 分办 — a case is made and dispatched — and puts the open case
to 会办 by 沭阳县工信局 with 沭阳县政府. The lead unit's handler reports the agreed answer, and the
meeting is 办结.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from bangban.conftest import PASSWORD, _fresh_workday_calendar, login, world  # noqa: F401
from bangban.network.models import HelpItem, HelpMeeting
from bangban.network.tests.conftest import net  # noqa: F401
from bangban.network.tests.test_help_meetings import setup_at
from bangban.tickets.models import Channel

from .conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_schedule_hold_assign_joint_and_close(live_server: Any, page: Any, phone_page: Any, net: Any) -> None:  # noqa: F811
    base = live_server.url
    s = setup_at(net, timezone.now())
    log_in(page, base, net.world.biz_office.username, PASSWORD)
    page.goto(f"{base}/network/help-meetings/")
    page.locator("[data-testid=empty]").wait_for()
    page.click("[data-testid=schedule-link]")
    page.check(f"#e-{net.county_key.pk}")
    page.check(f"#e-{net.top100.pk}")
    page.click("[data-testid=show-problems]")
    form = page.locator("[data-testid=schedule-form]")
    form.get_by_text("新厂房消防验收排期太久").wait_for()
    assert "用电增容申请未批复" in form.inner_text()
    when = timezone.localtime() + dt.timedelta(days=3)
    page.fill("#f-held", when.strftime("%Y-%m-%dT09:30"))
    page.fill("#f-place", "市政府3号会议室")
    page.fill("#f-host", "分管副市长 王明")
    page.select_option("#f-units", [str(net.shuyang_miit.pk), str(net.world.shuyang_gov.pk)])
    page.click("[data-testid=schedule-submit]")
    page.locator("[data-testid=hold-form]").wait_for()
    assert page.inner_text("[data-testid=meeting-status]").strip() == "已安排"
    meeting = HelpMeeting.objects.get()

    page.fill("#f-minutes", "会议逐项研究了两家企业的问题。")
    page.click("[data-testid=hold]")
    page.locator("[data-testid=dispose-form]").first.wait_for()
    assert page.inner_text("[data-testid=meeting-status]").strip() == "已召开"

    fire = page.locator("[data-testid=item]", has_text="新厂房消防验收排期太久")
    fire.locator("[data-testid=disposal]").select_option("assign")
    fire.locator("[data-testid=unit]").select_option(str(net.shuyang_miit.pk))
    fire.locator("[data-testid=dispose]").click()
    fire = page.locator("[data-testid=item]", has_text="新厂房消防验收排期太久")
    fire.locator("[data-testid=item-case]").wait_for()
    case = HelpItem.objects.get(contact=s.contact).case
    assert case is not None and case.channel == Channel.OFFICER and case.lead_unit_id == net.shuyang_miit.pk
    assert case.number in fire.inner_text() and "已分办" in fire.inner_text()

    power = page.locator("[data-testid=item]", has_text="用电增容申请未批复")
    power.locator("[data-testid=disposal]").select_option("joint")
    power.locator("[data-testid=unit]").select_option(str(net.shuyang_miit.pk))
    power.locator("[data-testid=co-units]").select_option([str(net.world.shuyang_gov.pk)])
    power.locator("[data-testid=workdays]").fill("10")
    power.locator("[data-testid=dispose]").click()
    page.locator("[data-testid=item]", has_text="用电增容申请未批复").get_by_text("办理中").wait_for()
    assert (
        "配合：沭阳县人民政府"
        in page.locator("[data-testid=item]", has_text="用电增容申请未批复").inner_text()
    )

    # The lead unit's handler reports the one agreed answer.
    log_in(phone_page, base, s.lead_handler.username, PASSWORD)
    phone_page.goto(f"{base}/network/help-meetings/{meeting.pk}/")
    phone_page.fill("[data-testid=result]", "县工信局与县政府联合现场办公，明确两周内完成增容。")
    phone_page.click("[data-testid=complete]")
    phone_page.locator("[data-testid=item]", has_text="用电增容申请未批复").get_by_text("已办结").wait_for()

    page.goto(f"{base}/network/help-meetings/{meeting.pk}/")
    page.click("[data-testid=close]")
    page.locator("[data-testid=meeting-status]", has_text="已办结").wait_for()
    meeting.refresh_from_db()
    assert meeting.status == "closed"
