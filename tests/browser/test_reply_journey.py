"""The structured reply in a real browser (issue 17, item 4).

The county's handler fills the reply — 办理结果, the text, a file and the contact record — and
previews what the enterprise will see (no contact record in it); the unit head reviews the same
structured reply with its preview and approves it; the enterprise sees the result and the file,
never the contact record; the 12345 agent's follow-up page shows the result and the contact record.
"""

from __future__ import annotations

from typing import Any

import pytest

from bangban.accounts.roles import Role
from bangban.conftest import PASSWORD, World, _fresh_workday_calendar, login, make_user, world  # noqa: F401
from bangban.tickets import actions
from bangban.tickets.models import Reply, Ticket, Visibility
from bangban.tickets.tests import intake_helpers as h

from .conftest import fill_reply, log_in

# Data migrations (the role table) must survive the flush between live-server tests.
pytestmark = pytest.mark.django_db(transaction=True)


def switch_user(page: Any, base_url: str, username: str) -> None:
    page.context.clear_cookies()
    log_in(page, base_url, username, PASSWORD)


@pytest.fixture
def case(world: World, settings: Any, tmp_path: Any) -> dict[str, Any]:  # noqa: F811
    from bangban.tickets.defaults import ensure_defaults
    from bangban.tickets.intake import IntakeInput, do_intake_portal

    settings.MEDIA_ROOT = tmp_path
    ensure_defaults()
    dispatcher = make_user("dispatcher", Role.DISPATCHER, unit=world.biz_office_unit, full_name="市派单员")
    head = make_user("head_sy", Role.UNIT_HEAD, unit=world.shuyang_gov, full_name="沭阳县政府负责人")
    agent = make_user("agent", Role.HOTLINE_AGENT, unit=world.biz_office_unit, full_name="热线坐席")
    ticket = do_intake_portal(
        acting_user=world.enterprise_user,
        data=IntakeInput(
            title="厂区用电增容迟迟未办",
            content="我公司三月申请的用电增容至今未接电，请协调供电部门尽快办理。",
            enterprise_id=world.ent_shuyang.pk,
            region_code=world.shucheng.code,
        ),
    ).ticket
    actions.do_dispatch(acting_user=dispatcher, ticket_id=ticket.pk, lead_unit_id=world.shuyang_gov.pk)
    actions.do_accept(acting_user=world.handler_shuyang, ticket_id=ticket.pk)
    return {"ticket": ticket, "head": head, "agent": agent}


def test_handler_fills_a_structured_reply_with_a_file_the_head_approves_and_the_enterprise_sees_it(
    live_server: Any,
    page: Any,
    world: World,  # noqa: F811
    case: dict[str, Any],
    tmp_path: Any,
) -> None:
    base = live_server.url
    ticket: Ticket = case["ticket"]
    photo = tmp_path / "接电验收照片.png"
    photo.write_bytes(h.png_bytes())

    # 1. The handler fills the structured reply, attaches a photo and previews it.
    switch_user(page, base, world.handler_shuyang.username)
    page.goto(f"{base}/cases/{ticket.pk}/")
    page.wait_for_selector("[data-testid=panel-reply]")
    fill_reply(page, "经协调，供电公司已完成增容接电。", result="部分解决", method="上门", person="王厂长")
    panel = page.locator("[data-testid=panel-reply]")
    panel.locator("textarea[name=contact_note]").fill("内部：厂长要求下月再复查一次")
    panel.locator("input[type=file][name=attachments]").set_input_files(str(photo))
    assert panel.locator("[data-testid=reply-preview]").is_hidden()
    panel.locator("[data-testid=preview-reply]").click()
    preview = panel.locator("[data-testid=reply-preview]")
    assert preview.is_visible()
    assert preview.locator("[data-testid=preview-result]").inner_text() == "部分解决"
    assert "已完成增容接电" in preview.locator("[data-testid=preview-content]").inner_text()
    assert preview.locator("[data-testid=preview-attachments]").inner_text() == "接电验收照片.png"
    assert "王厂长" not in preview.inner_text() and "复查" not in preview.inner_text()
    # The preview follows the form.
    panel.get_by_label("已解决", exact=True).check()
    assert preview.locator("[data-testid=preview-result]").inner_text() == "已解决"
    page.click("[data-testid=submit-reply]")
    page.wait_for_selector("[data-testid=status][data-status=reply_review]")
    reply = Reply.objects.get(ticket=ticket)
    assert (reply.result, reply.contact_method, reply.contact_person) == ("resolved", "visit", "王厂长")
    assert reply.attachments.get().visibility == Visibility.INTERNAL

    # 2. The head sees the structured reply, the contact record and the enterprise's view, and approves.
    switch_user(page, base, case["head"].username)
    page.goto(f"{base}/cases/{ticket.pk}/")
    pending = page.locator("[data-testid=pending-reply]")
    assert pending.locator("[data-testid=reply-result]").first.inner_text() == "已解决"
    assert "王厂长" in pending.locator("[data-testid=reply-contact]").inner_text()
    assert "上门" in pending.locator("[data-testid=reply-contact]").inner_text()
    view = pending.locator("[data-testid=review-preview]")
    assert "接电验收照片.png" in view.inner_text() and "已完成增容接电" in view.inner_text()
    assert "王厂长" not in view.inner_text()
    page.check("[data-testid=panel-review] input[name=decision][value=approve]")
    page.click("[data-testid=submit-review]")
    page.wait_for_selector("[data-testid=status][data-status=replied]")

    # 3. The enterprise sees the result and the file, not the contact record.
    switch_user(page, base, world.enterprise_user.username)
    page.goto(f"{base}/cases/{ticket.pk}/")
    replies = page.locator("[data-testid=replies]")
    assert replies.locator("[data-testid=reply-result]").inner_text() == "已解决"
    assert "接电验收照片.png" in replies.inner_text()
    assert "王厂长" not in page.content() and "复查" not in page.content()
    link = replies.get_by_role("link", name="接电验收照片.png")
    response = page.request.get(base + str(link.get_attribute("href")))
    assert response.status == 200 and response.headers["content-type"] == "image/png"

    # 4. The 12345 agent's follow-up page shows the result and the contact record to check.
    switch_user(page, base, case["agent"].username)
    page.goto(f"{base}/ratings/follow-ups/{ticket.pk}/")
    checked = page.locator("[data-testid=follow-up-reply]")
    assert checked.locator("[data-testid=reply-result]").inner_text() == "已解决"
    assert "王厂长" in checked.locator("[data-testid=reply-contact]").inner_text()
