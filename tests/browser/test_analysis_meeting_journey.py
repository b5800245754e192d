"""The monthly 处置分析会 in a real browser (R11.2, issue #16 item 6): 营商办 tries to schedule this
month's meeting while a ledger of last month is still missing and is refused in Chinese; once the
ledger is in, the meeting is scheduled from the ledgers, held with minutes, and its decision becomes
a task of a unit with a working-day deadline, shown on the month's page."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from bangban.conftest import PASSWORD
from bangban.supervision import actions
from bangban.supervision.figures import previous_month
from bangban.supervision.models import AnalysisMeeting, Ledger
from bangban.supervision.tests.conftest import make_case

from .conftest import log_in, pick_unit


def test_the_monthly_meeting_from_the_ledgers_of_the_25th(world: Any, live_server: Any, page: Any) -> None:
    today = timezone.localdate()
    year, month = previous_month(today.year, today.month)
    settings = actions.current_settings()
    settings.ledger_all_units = False
    settings.save()
    make_case(world.approval_bureau, f"{year}-{month:02d}-05 09:00")
    make_case(world.shuyang_gov, f"{year}-{month:02d}-06 09:00")
    actions.do_generate_ledgers(world.biz_office, year, month)
    # The ledgers were due today, whatever day the suite runs on.
    Ledger.objects.update(due_date=today)
    bureau = Ledger.objects.get(unit=world.approval_bureau)
    actions.do_submit_ledger(world.city_handler, bureau.pk, {"cases": "已按期办理"})
    held = f"{today.isoformat()}T00:30"
    base = live_server.url

    log_in(page, base, "yingshangban", PASSWORD)
    page.goto(f"{base}/supervision/analysis-meetings/")
    row = page.locator(f"[data-testid=analysis-month-row][data-month='{today.year}-{today.month:02d}']")
    assert "缺 1 份" in row.inner_text()
    page.fill("#held_at", held)
    page.click("[data-testid=analysis-meeting-schedule]")
    error = page.inner_text("[data-testid=analysis-meeting-error]")
    assert "尚有 1 份未报送" in error and "缺少台账不能安排" in error
    assert not AnalysisMeeting.objects.exists()

    # The county submits; the meeting can now be scheduled from both ledgers.
    county = Ledger.objects.get(unit=world.shuyang_gov)
    actions.do_submit_ledger(world.handler_shuyang, county.pk, {"cases": "已办结"})
    page.goto(f"{base}/supervision/analysis-meetings/")
    page.fill("#held_at", held)
    page.fill("#place", "市政务服务中心三楼会议室")
    page.click("[data-testid=analysis-meeting-schedule]")
    page.wait_for_selector("[data-testid=analysis-meeting-status]")
    assert "2 份" in page.inner_text("body")
    meeting = AnalysisMeeting.objects.get()
    assert meeting.ledgers.count() == 2

    # Minutes and a decision on the meeting's page.
    page.click("[data-testid=analysis-meeting-open]")
    page.fill("[data-testid=minutes-form] textarea[name=minutes]", "研究上月台账反映的施工许可补正问题。")
    page.click("[data-testid=minutes-submit]")
    page.wait_for_selector("[data-testid=meeting][data-status=held]")
    form = page.locator("[data-testid=task-form]")
    form.locator("textarea[name=content], input[name=content]").first.fill(
        "沭阳县政府五个工作日内编制材料清单"
    )
    pick_unit(form, "t-owner", "沭阳县人民", world.shuyang_gov.name)
    form.locator("input[name=workdays]").fill("5")
    form.locator("[data-testid=task-submit]").click()
    page.wait_for_selector("[data-testid=task-row][data-status=open]")

    # The month's page and the list show it held, with the task open.
    page.goto(f"{base}/supervision/analysis-meetings/{today.year}/{today.month}/")
    assert page.inner_text("[data-testid=analysis-meeting-status]") == "已召开"
    task = page.locator("[data-testid=analysis-task-row]")
    assert "沭阳县政府五个工作日内编制材料清单" in task.inner_text()
    assert page.inner_text("[data-testid=analysis-task-standing]") == "办理中"
    page.goto(f"{base}/supervision/analysis-meetings/")
    row = page.locator(f"[data-testid=analysis-month-row][data-month='{today.year}-{today.month:02d}']")
    assert row.get_attribute("data-state") == "held"
    assert "0/1 已完成" in row.inner_text()
