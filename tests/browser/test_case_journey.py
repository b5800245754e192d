"""One case from the enterprise's phone to closure, in a real browser (issue 3, item 10).

An enterprise user files a case on a phone-sized screen; the dispatcher routes it to 沭阳县政府;
the county's handler accepts it and drafts a reply, the unit head approves it; the enterprise rates
it 满意 on the phone and sees it closed (已办结). A case past its deadline shows red (超期) in the
unit's work queue.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone

from bangban.accounts.roles import Role
from bangban.conftest import PASSWORD, World, _fresh_workday_calendar, login, make_user, world  # noqa: F401
from bangban.tickets.models import Ticket
from bangban.tickets.workflow import Status

from .conftest import fill_reply, log_in, pick_unit

# Data migrations (the role table) must survive the flush between live-server tests.
pytestmark = pytest.mark.django_db(transaction=True)

DANGER_RED = "rgb(220, 53, 69)"  # Bootstrap 5 --bs-danger


def phone_log_in(page: Any, base_url: str, username: str, password: str) -> None:
    """On a phone the navigation is folded behind the menu button, so wait for the page to load
    rather than for the (hidden) name in the navigation bar."""
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=current-user]", state="attached")


def switch_user(page: Any, base_url: str, username: str) -> None:
    page.context.clear_cookies()
    log_in(page, base_url, username, PASSWORD)


@pytest.fixture
def people(world: World) -> dict[str, Any]:  # noqa: F811
    from bangban.tickets.defaults import ensure_defaults

    ensure_defaults()
    return {
        "dispatcher": make_user(
            "dispatcher", Role.DISPATCHER, unit=world.biz_office_unit, full_name="市派单员"
        ),
        "head": make_user("head_sy", Role.UNIT_HEAD, unit=world.shuyang_gov, full_name="沭阳县政府负责人"),
    }


def test_enterprise_files_on_a_phone_and_sees_its_case_closed_after_rating(
    live_server: Any,
    page: Any,
    phone_page: Any,
    world: World,  # noqa: F811
    people: dict[str, Any],
) -> None:
    base = live_server.url

    # 1. The enterprise files a case on its phone, from the first thing its home page shows.
    phone = phone_page
    phone_log_in(phone, base, world.enterprise_user.username, PASSWORD)
    phone.goto(f"{base}/")
    action = phone.locator("[data-testid=main-action-file]")
    assert action.inner_text().strip() == "提交诉求"
    box = action.bounding_box()
    assert box is not None and box["y"] + box["height"] <= phone.viewport_size["height"]  # no scrolling
    action.click()
    phone.wait_for_url(re.compile(r".*/cases/intake/new/$"))
    assert phone.inner_text("h1").strip() == "提交诉求"
    phone.fill("[data-testid=field-title]", "厂区用电报装迟迟未办")
    phone.fill(
        "[data-testid=field-content]",
        "我公司三月申请的用电增容至今未接电，影响新生产线投产，请协调供电部门尽快办理。",
    )
    phone.click("[data-testid=submit]")
    phone.wait_for_selector("[data-testid=case-number]")
    number = phone.inner_text("[data-testid=case-number]").strip()
    assert re.fullmatch(r"QY-\d{8}-\d{4,}", number)
    assert "待派单" in phone.inner_text("[data-testid=case-header]")
    ticket = Ticket.objects.get(number=number)

    # 2. The dispatcher routes it to 沭阳县政府.
    switch_user(page, base, people["dispatcher"].username)
    page.goto(f"{base}/cases/dispatch/")
    row = page.locator(f"[data-testid=dispatch-row][data-number='{number}']")
    pick_unit(row, "-lead", "沭阳县人民", world.shuyang_gov.name)
    row.locator("[data-testid=dispatch-submit]").click()
    page.wait_for_selector(".alert-success")
    assert page.locator(f"[data-testid=dispatch-row][data-number='{number}']").count() == 0

    # 3. The county's handler accepts it and drafts the reply.
    switch_user(page, base, world.handler_shuyang.username)
    page.goto(f"{base}/cases/unit/")
    page.locator(f"[data-testid=case-row][data-number='{number}'] [data-testid=case-link]").click()
    page.click("[data-testid=submit-accept]")
    page.wait_for_selector("[data-testid=panel-reply]")
    fill_reply(page, "经协调，供电公司已于本周完成增容接电，请贵公司确认。")
    page.click("[data-testid=submit-reply]")
    page.wait_for_selector("[data-testid=status][data-status=reply_review]")

    # 4. The unit head approves the reply.
    switch_user(page, base, people["head"].username)
    page.goto(f"{base}/cases/{ticket.pk}/")
    assert "经协调，供电公司已于本周完成增容接电" in page.inner_text("[data-testid=pending-reply]")
    page.check("[data-testid=panel-review] input[name=decision][value=approve]")
    page.click("[data-testid=submit-review]")
    page.wait_for_selector("[data-testid=status][data-status=replied]")

    # 5. The enterprise reads the reply on its phone, rates it 满意 and sees the case closed.
    phone.goto(f"{base}/cases/mine/")
    card = phone.locator(f"[data-testid=my-case][data-number='{number}']")
    assert "完成增容接电" in card.locator("[data-testid=approved-reply]").inner_text()
    card.get_by_label("满意", exact=True).check()
    card.get_by_label("已解决", exact=True).check()
    card.locator("[data-testid=rate-submit]").click()
    phone.wait_for_selector(f"[data-testid=my-case][data-number='{number}'][data-status=closed]")
    closed = phone.locator(f"[data-testid=my-case][data-number='{number}']")
    assert "已办结" in closed.locator("[data-testid=status]").inner_text()
    assert closed.locator("[data-testid=my-rating]").inner_text() == "满意"
    assert closed.locator("[data-testid=rate-form]").count() == 0
    # The phone layout fits the screen: nothing wider than the viewport.
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert Ticket.objects.get(pk=ticket.pk).status == Status.CLOSED


def test_an_overdue_case_shows_red_in_the_unit_queue(live_server: Any, page: Any, world: World) -> None:  # noqa: F811
    now = timezone.now()
    overdue = Ticket.objects.create(
        number="QY-20260101-0001",
        channel="portal",
        title="超期未办的诉求",
        content="内容",
        enterprise=world.ent_shuyang,
        region=world.shucheng,
        status=Status.IN_PROGRESS,
        lead_unit=world.shuyang_gov,
        received_at=now - dt.timedelta(days=10),
        dispatched_at=now - dt.timedelta(days=10),
        deadline_start=now - dt.timedelta(days=10),
        due_at=now - dt.timedelta(days=2),
        warn_at=now - dt.timedelta(days=3),
    )
    on_time = Ticket.objects.create(
        number="QY-20260101-0002",
        channel="portal",
        title="期限充裕的诉求",
        content="内容",
        enterprise=world.ent_shuyang,
        status=Status.IN_PROGRESS,
        lead_unit=world.shuyang_gov,
        received_at=now,
        due_at=now + dt.timedelta(days=10),
        warn_at=now + dt.timedelta(days=9),
    )

    log_in(page, live_server.url, world.handler_shuyang.username, PASSWORD)
    page.goto(f"{live_server.url}/cases/unit/")

    red_row = page.locator(f"[data-testid=case-row][data-number='{overdue.number}']")
    badge = red_row.locator("[data-testid=deadline-badge]")
    assert badge.inner_text() == "超期"
    assert badge.evaluate("el => getComputedStyle(el).backgroundColor") == DANGER_RED
    assert red_row.get_attribute("data-deadline") == "overdue"
    green = page.locator(
        f"[data-testid=case-row][data-number='{on_time.number}'] [data-testid=deadline-badge]"
    )
    assert green.inner_text() == "正常"
    assert green.evaluate("el => getComputedStyle(el).backgroundColor") != DANGER_RED
    # overdue first
    first = page.locator("[data-testid=case-row]").first.get_attribute("data-number")
    assert first == overdue.number
