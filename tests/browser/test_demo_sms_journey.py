"""A newcomer to the demo city writes to the mayor's public column without a real phone: the code
the column sends is read on the 「演示短信」 page it links to (issue 17, item 3)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from bangban.conftest import World, _fresh_workday_calendar, world  # noqa: F401
from bangban.tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = "13912340000"


def test_a_newcomer_files_on_the_public_column_with_the_demo_phone(
    live_server: Any,
    page: Any,
    settings: Any,
    world: World,  # noqa: F811
) -> None:
    settings.BANGBAN_DEMO = True
    base = live_server.url
    page.goto(f"{base}/cases/intake/mayor/")
    page.fill("[data-testid=field-phone]", PHONE)
    # No code before the personal-information notice is accepted; the notice opens from the form.
    page.click("[data-testid=send-code]")
    page.wait_for_selector("[data-testid=error-privacy-consent]")
    assert "个人信息保护告知" in page.get_by_test_id("error-privacy-consent").inner_text()
    assert page.get_by_test_id("privacy-notice-link").get_attribute("href") == "/cases/intake/privacy/"
    page.check("[data-testid=field-privacy-consent]")
    page.click("[data-testid=send-code]")
    page.wait_for_selector("[data-testid=code-sent]")

    # The page says where the code is; the demo phone opens in a new tab.
    with page.context.expect_page() as opened:
        page.click("[data-testid=demo-sms-link]")
    phone = opened.value
    phone.wait_for_selector("[data-testid=demo-sms-message]")
    latest = phone.locator("[data-testid=demo-sms-message]").first
    assert latest.locator("[data-testid=demo-sms-phone]").inner_text() == "*******0000"
    found = re.search(r"验证码为 (\d{6})", latest.locator("[data-testid=demo-sms-text]").inner_text())
    assert found is not None
    assert PHONE not in phone.content()
    phone.close()

    page.fill("[data-testid=field-code]", found.group(1))
    page.click("[data-testid=verify]")
    page.wait_for_selector("[data-testid=mayor-form]")
    # The enterprise is found in the register and picked, so the case is linked to it.
    page.fill("[data-testid=public-enterprise-search]", "泗阳示例")
    page.click("[data-testid=public-enterprise-option]")
    assert page.input_value("[data-testid=field-enterprise-name]") == world.ent_siyang.name
    assert page.input_value("[data-testid=field-enterprise-uscc]") == world.ent_siyang.uscc
    page.fill("[data-testid=field-contact-name]", "赵经理")
    page.fill("[data-testid=field-title]", "新厂区供水管网接入迟迟未落实")
    page.fill("[data-testid=field-content]", "我公司新厂区已建成，供水管网接入申请半年未落实，影响试生产。")
    page.click("[data-testid=submit]")
    page.wait_for_url(re.compile(r"/cases/intake/mayor/done/"))
    ticket = Ticket.objects.get(channel="mayor")
    assert ticket.contact_phone == PHONE and ticket.enterprise == world.ent_siyang
    assert ticket.number in page.content()
