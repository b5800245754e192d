"""好差评 → 差评整改 → 追评 in a real browser (issues 5 and 11).

On a phone-sized screen, the enterprise logs in, opens its answered case and rates it in the case's
one rating widget: 非常不满意, 未解决. The case shows that one rating and is reopened (重办); the
rectification appears in the lead unit's 差评整改 queue; the unit verifies it, 营商办 classifies it
(限期整改) and the unit rectifies and feeds back. Back on the case page, the enterprise sees the
feedback, rates the rectification 满意 (追评), and both ratings are shown. The unit's own staff get no
rating form and no QR code on the case.
"""

from __future__ import annotations

from typing import Any

import pytest

from bangban.accounts.roles import Role
from bangban.conftest import PASSWORD, World, _fresh_workday_calendar, login, make_user, reply_fields, world  # noqa: F401
from bangban.ratings.models import Rating, Rectification

from .conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def answered_case(world: World) -> Any:  # noqa: F811
    from bangban.tickets import actions
    from bangban.tickets.defaults import ensure_defaults
    from bangban.tickets.intake import IntakeInput, do_intake_portal

    ensure_defaults()
    dispatcher = make_user("dispatcher", Role.DISPATCHER, unit=world.biz_office_unit, full_name="市派单员")
    head = make_user("head_sy", Role.UNIT_HEAD, unit=world.shuyang_gov, full_name="沭阳县政府负责人")
    ticket = do_intake_portal(
        acting_user=world.enterprise_user,
        data=IntakeInput(title="厂区道路破损", content="厂区门前道路塌陷，大货车无法通行，请协调修复。"),
    ).ticket
    actions.do_dispatch(acting_user=dispatcher, ticket_id=ticket.pk, lead_unit_id=world.shuyang_gov.pk)
    actions.do_accept(acting_user=world.handler_shuyang, ticket_id=ticket.pk)
    actions.do_submit_reply(
        acting_user=world.handler_shuyang, ticket_id=ticket.pk, content="已安排修复。", **reply_fields()
    )
    actions.do_approve_reply(acting_user=head, ticket_id=ticket.pk)
    return ticket


def test_bad_rating_on_the_case_page_is_rectified_and_rated_again(
    live_server: Any,
    phone_page: Any,
    page: Any,
    world: World,  # noqa: F811
    answered_case: Any,
) -> None:
    case_url = f"{live_server.url}/cases/{answered_case.pk}/"

    # 1. The enterprise opens its answered case on its phone and rates it 非常不满意, 未解决.
    log_in(phone_page, live_server.url, world.enterprise_user.username, PASSWORD)
    phone_page.goto(case_url)
    assert phone_page.evaluate("window.innerWidth") <= 400
    widget = phone_page.locator("[data-testid=case-rating-panel]")
    assert widget.locator("[data-testid=case-rating-empty]").inner_text() == "暂无评价"
    assert phone_page.locator("[data-testid=rate-form]").count() == 1  # one rating widget only
    assert phone_page.locator("[data-testid=panel-rate]").count() == 0
    assert phone_page.locator("input[name=level]:checked").count() == 0  # no level preselected
    widget.locator("[data-testid=resolved-0]").click()
    widget.locator("[data-testid=level-5]").click()
    widget.locator("[data-testid=comment]").fill("答复了但路还没修")
    widget.locator("[data-testid=rate-submit]").click()
    phone_page.locator("[data-testid=case-rating][data-stage=first][data-level='5']").wait_for()
    assert phone_page.locator("[data-testid=case-rating]").count() == 1
    assert phone_page.locator("[data-testid=case-rating-empty]").count() == 0
    assert "差评正在核实整改" in phone_page.locator("[data-testid=case-rating-pending]").inner_text()
    assert "重办 1 次" in phone_page.locator("[data-testid=case-header]").inner_text()
    rating = Rating.objects.get()
    assert (rating.level, rating.channel, rating.rater_id) == (5, "pc", world.enterprise_user.pk)
    answered_case.refresh_from_db()
    assert (answered_case.status, answered_case.reopen_count) == ("in_progress", 1)
    rect = Rectification.objects.get()

    # 2. It appears in the lead unit's queue; the unit's staff cannot rate the case themselves.
    log_in(page, live_server.url, world.handler_shuyang.username, PASSWORD)
    page.goto(case_url)
    assert page.locator("[data-testid=rate-form]").count() == 0
    assert page.locator("img[alt*=二维码]").count() == 0
    page.goto(f"{live_server.url}/ratings/rectifications/")
    row = page.locator(f"[data-testid=rect-row][data-number='{rect.number}']")
    assert row.locator("[data-testid=rect-status]").inner_text() == "待核实"
    row.locator("[data-testid=rect-link]").click()
    page.fill("#verification", "经核实道路尚未修复，答复与实际不符")
    page.click("[data-testid=verify]")
    page.locator("[data-testid=rect-status]", has_text="待定性").wait_for()

    # 3. 营商办 classifies it: 限期整改, 5 working days.
    page.context.clear_cookies()
    log_in(page, live_server.url, world.biz_office.username, PASSWORD)
    page.goto(f"{live_server.url}/ratings/rectifications/{rect.pk}/")
    page.select_option("#category", "deadline")
    page.click("[data-testid=classify]")
    page.locator("[data-testid=rect-status]", has_text="整改中").wait_for()

    # 4. The unit rectifies and feeds back to the rater.
    page.context.clear_cookies()
    log_in(page, live_server.url, world.handler_shuyang.username, PASSWORD)
    page.goto(f"{live_server.url}/ratings/rectifications/{rect.pk}/")
    page.fill("#measures", "已组织施工队修复塌陷路面")
    page.fill("#feedback", "道路已修复，欢迎现场查看")
    page.click("[data-testid=rectify]")
    page.locator("[data-testid=rect-status]", has_text="已反馈待评价").wait_for()

    # 5. Back on the case page: the feedback is shown and the enterprise rates again (追评).
    phone_page.goto(case_url)
    widget = phone_page.locator("[data-testid=case-rating-panel]")
    assert "道路已修复" in widget.locator("[data-testid=case-rating-rect]").inner_text()
    widget.locator("[data-testid=level-2]").click()
    widget.locator("[data-testid=rate-submit]").click()
    phone_page.locator("[data-testid=case-rating][data-stage=followup][data-level='2']").wait_for()
    assert phone_page.locator("[data-testid=case-rating]").count() == 2
    assert phone_page.locator("[data-testid=case-rating-rect-status]").inner_text() == "已办结"
    assert list(Rating.objects.order_by("created_at").values_list("stage", "level")) == [
        ("first", 5),
        ("followup", 2),
    ]
    rect.refresh_from_db()
    assert (rect.status, rect.rater_level) == ("closed", 2)
