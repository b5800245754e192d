"""The answer knowledge base at the 12345 hotline, in a real browser (issue #17): an agent takes a
call about 留抵退税, searches the knowledge base beside the intake form, clicks 「引用」 — the standard
answer fills 答复内容 and 直接答复 is selected — and registers the call; the case is closed on the spot
and shows that answer. The citation is counted."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import timezone

from bangban.accounts.roles import Role
from bangban.conftest import PASSWORD, World, _fresh_workday_calendar, login, make_user, world  # noqa: F401
from bangban.knowledge import actions
from bangban.knowledge.demo import ENTRIES
from bangban.knowledge.models import Entry
from bangban.tickets.models import Ticket

from .conftest import log_in

# Data migrations (the role table) must survive the flush between live-server tests.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def agent(world: World) -> Any:  # noqa: F811
    from bangban.tickets.defaults import ensure_defaults

    ensure_defaults()
    for area, question, answer, keywords, basis, _uses in ENTRIES:
        actions.do_create_entry(
            acting_user=world.biz_office,
            data=actions.EntryInput(
                question=question, answer=answer, keywords=keywords, basis=basis, area=area
            ),
            now=timezone.now(),
        )
    return make_user("rexian_kb", Role.HOTLINE_AGENT, unit=world.biz_office_unit, full_name="热线坐席小李")


def test_agent_cites_a_standard_answer_and_closes_the_call(live_server: Any, page: Any, agent: Any) -> None:
    base = live_server.url
    refund = Entry.objects.get(question__contains="留抵退税")
    log_in(page, base, agent.username, PASSWORD)
    page.goto(f"{base}/cases/intake/hotline/")
    panel = page.locator("[data-testid=knowledge-lookup]")
    assert panel.is_visible() and "答复知识库" in panel.inner_text()
    # The answer field is hidden until 直接答复 is chosen.
    assert not page.locator("[data-testid=field-answer]").is_visible()

    page.fill("[data-testid=field-contact-name]", "周女士")
    page.fill("[data-testid=field-contact-phone]", "13912345678")
    page.fill("[data-testid=field-title]", "咨询增值税留抵退税办理流程")
    page.fill("[data-testid=field-content]", "企业想申请增值税增量留抵退税，询问条件和办理流程。")
    page.select_option("[data-testid=field-category]", index=1)

    # A search that finds nothing says so.
    page.fill("[data-testid=knowledge-search]", "火星移民")
    page.locator("[data-testid=knowledge-status]", has_text="没有找到").wait_for()
    assert page.locator("[data-testid=knowledge-result]").count() == 0

    page.fill("[data-testid=knowledge-search]", "留抵退税")
    first = page.locator("[data-testid=knowledge-result]").first
    first.wait_for()
    assert refund.question in first.inner_text() and "税费" in first.inner_text()
    assert "财政部 税务总局公告2022年第14号" in first.inner_text()
    first.locator("[data-testid=knowledge-cite]").click()

    answer = page.locator("[data-testid=field-answer]")
    answer.wait_for(state="visible")
    assert page.is_checked("#outcome-direct_answer")
    assert answer.input_value() == refund.answer
    page.locator("[data-testid=knowledge-status]", has_text="已引用").wait_for()

    page.click("[data-testid=submit]")
    page.wait_for_selector("[data-testid=case-number]")
    number = page.inner_text("[data-testid=case-number]").strip()
    assert "当场办结" in page.inner_text("[data-testid=intake-done]")
    ticket = Ticket.objects.get(number=number)
    assert ticket.status == "closed" and ticket.hotline_outcome == "direct_answer"

    page.click("[data-testid=case-link]")
    page.wait_for_url(re.compile(rf".*/cases/{ticket.pk}/$"))
    assert "符合条件的纳税人可在增值税纳税申报期内" in page.inner_text("main")
    assert Entry.objects.get(pk=refund.pk).use_count == 1


def test_enter_in_the_search_box_cites_the_first_match(live_server: Any, page: Any, agent: Any) -> None:
    base = live_server.url
    log_in(page, base, agent.username, PASSWORD)
    page.goto(f"{base}/cases/intake/hotline/")
    page.fill("[data-testid=knowledge-search]", "用电 报装")
    page.press("[data-testid=knowledge-search]", "Enter")
    answer = page.locator("[data-testid=field-answer]")
    answer.wait_for(state="visible")
    assert answer.input_value().startswith("可通过“网上国网”App")
    # Enter did not submit the intake form.
    assert "/cases/intake/hotline/" in page.url and Ticket.objects.count() == 0
