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
    page.fill("[data-testid=field-enterprise-name]", "宿迁某新材料有限公司")
    page.fill("[data-testid=field-contact-name]", "赵经理")
    page.fill("[data-testid=field-title]", "新厂区供水管网接入迟迟未落实")
    page.fill("[data-testid=field-content]", "我公司新厂区已建成，供水管网接入申请半年未落实，影响试生产。")
    page.click("[data-testid=submit]")
    page.wait_for_url(re.compile(r"/cases/intake/mayor/done/"))
    ticket = Ticket.objects.get(channel="mayor")
    assert ticket.contact_phone == PHONE
    assert ticket.number in page.content()
