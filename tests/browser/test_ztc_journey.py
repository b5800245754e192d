"""作风办 designates a 直通车企业, records a 明察暗访 finding into the 问题清单 and transfers it (R7.1), in a
real browser: a case is created and routed to the unit, the list shows its progress, and when the
unit answers the case the item shows 已办结."""

from __future__ import annotations

from typing import Any

import pytest

from bangban.accounts.roles import Role
from bangban.conduct.models import Designation, ProblemItem
from bangban.conduct.tests.conftest import cast  # noqa: F401
from bangban.conftest import PASSWORD, _fresh_workday_calendar, login, make_user, world  # noqa: F401
from bangban.tickets.defaults import ensure_defaults
from bangban.tickets.models import Ticket

from .conftest import fill_reply, log_in, pick_unit

pytestmark = pytest.mark.django_db(transaction=True)


def _switch(page: Any, base: str, username: str) -> None:
    page.context.clear_cookies()
    log_in(page, base, username, PASSWORD)


def test_designate_record_transfer_and_the_unit_closes_the_case(
    live_server: Any,
    page: Any,
    phone_page: Any,
    cast: Any,  # noqa: F811
) -> None:
    ensure_defaults()
    base = live_server.url
    w = cast.world
    head = make_user("head_sy", Role.UNIT_HEAD, unit=w.shuyang_gov, full_name="沭阳县政府负责人")

    # 1. 作风办 designates the enterprise as a 直通车企业.
    log_in(page, base, cast.zuofeng.username, PASSWORD)
    page.goto(f"{base}/conduct/ztc/")
    assert page.locator("[data-testid=no-designations]").count() == 1
    page.click("[data-testid=designate]")
    page.fill("[data-testid=field-enterprise]", w.ent_shuyang.name)
    page.click("[data-testid=submit]")
    row = page.locator(f"[data-testid=designation-row][data-enterprise='{w.ent_shuyang.pk}']")
    assert "直通车企业" in row.inner_text()
    assert Designation.objects.filter(enterprise=w.ent_shuyang).count() == 1

    # 2. On a phone, 作风办 records a return call to it: the problem raised joins the 问题清单.
    phone = phone_page
    log_in(phone, base, cast.zuofeng.username, PASSWORD)
    phone.goto(f"{base}/conduct/ztc/calls/new/?enterprise={w.ent_shuyang.pk}")
    phone.fill("[data-testid=field-contact]", "王经理")
    phone.click("[data-testid=submit]")
    assert "请选择企业是否满意" in phone.inner_text("[data-testid=error-satisfied]")
    phone.click("[data-testid=satisfied-no]")
    phone.fill("[data-testid=field-problems]", "消防验收排期超过一个月")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.click("[data-testid=submit]")
    phone.wait_for_selector("[data-testid=problem-row]")
    assert "消防验收排期超过一个月" in phone.inner_text("[data-testid=problems]")
    ProblemItem.objects.get(source="callback").delete()  # the rest of the journey follows one item

    # 3. A 明察暗访 finding goes into the 问题清单 (first without a text: a Chinese error).
    page.goto(f"{base}/conduct/problems/new/")
    page.fill("[data-testid=field-source-ref]", "沭阳县政务服务中心不动产登记窗口")
    page.select_option("[data-testid=field-region]", "321322")
    page.click("[data-testid=submit]")
    assert "请填写问题描述" in page.inner_text("[data-testid=error-text]")
    page.fill("[data-testid=field-text]", "窗口要求企业重复提交已在网上上传的材料")
    page.select_option("[data-testid=field-item]", str(cast.items["FM-11"].pk))
    page.click("[data-testid=submit]")
    page.wait_for_selector("[data-testid=problem-detail]")
    assert page.get_attribute("[data-testid=progress]", "data-progress") == "pending"

    # 4. 转办 to 沭阳县政府: a case is created and dispatched to the unit.
    pick_unit(page.locator("[data-testid=transfer-form]"), "f-unit", "沭阳县", w.shuyang_gov.name)
    page.click("[data-testid=transfer]")
    page.wait_for_selector("[data-testid=case-link]")
    case = Ticket.objects.get()
    assert case.lead_unit_id == w.shuyang_gov.pk and case.number.startswith("ZF-")
    assert page.inner_text("[data-testid=case-link]") == case.number
    page.goto(f"{base}/conduct/problems/")
    item = ProblemItem.objects.get()
    listed = page.locator(f"[data-testid=problem-row][data-id='{item.pk}'] [data-testid=progress]")
    assert listed.get_attribute("data-progress") == "in_progress" and listed.inner_text() == "办理中"

    # 5. The unit accepts and answers the case; its head approves the reply.
    _switch(page, base, w.handler_shuyang.username)
    page.goto(f"{base}/cases/unit/")
    page.locator(f"[data-testid=case-row][data-number='{case.number}'] [data-testid=case-link]").click()
    page.click("[data-testid=submit-accept]")
    page.wait_for_selector("[data-testid=panel-reply]")
    fill_reply(page, "已责令窗口整改，网上已交材料不再重复提交。")
    page.click("[data-testid=submit-reply]")
    page.wait_for_selector("[data-testid=status][data-status=reply_review]")
    _switch(page, base, head.username)
    page.goto(f"{base}/cases/{case.pk}/")
    page.check("[data-testid=panel-review] input[name=decision][value=approve]")
    page.click("[data-testid=submit-review]")
    page.wait_for_selector("[data-testid=status][data-status=replied]")

    # 6. 作风办's list and monthly list show the item closed.
    _switch(page, base, cast.zuofeng.username)
    page.goto(f"{base}/conduct/problems/")
    closed = page.locator(f"[data-testid=problem-row][data-id='{item.pk}'] [data-testid=progress]")
    assert closed.get_attribute("data-progress") == "closed" and closed.inner_text() == "已办结"
    page.goto(f"{base}/conduct/problems/monthly/")
    cells = page.locator("[data-testid=monthly-row]").first.locator("td").all_inner_texts()
    assert cells[:7] == ["沭阳县", w.shuyang_gov.name, "1", "1", "1", "0", "0"]
