"""Escalation in a real browser (issue 4, item 7).

(a) An enterprise writes to the mayor's column without an account (市政府办公室专人 are told, not
    the dispatcher); 营商办 put its category in a 分管市长's charge; 市政府办公室 map its category to
    the 对口联系副秘书长 in the table's editor and classify it (the dispatcher's queue shows it as
    under review, linking to the review page), the 对口联系副秘书长 reviews it and assesses it
    事实清楚、情况紧急, the 秘书长 and then the 分管市长 in charge sign it (the 分管市长 trying first is
    refused; another vice-mayor gets no sign form), 市政府办公室 dispatch it to 沭阳县政府 with the
    proposed 2-working-day limit pre-filled, the county handles it and the dispatcher's follow-up
    closes it (issue 4 item 7, issue 16 item 7).
(b) A case is escalated by hand to tier 3 (市营商办) from the case page, treated in a 专题会办 whose
    decision becomes a task of the county, which reports it done.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import timezone

from bangban.accounts.roles import Role
from bangban.conftest import PASSWORD, World, _fresh_workday_calendar, login, make_user, world  # noqa: F401
from bangban.escalation.models import CaseEscalation, DeputyRoute, MeetingTask
from bangban.notifications.models import OutboxMessage
from bangban.org.models import Unit, UnitType
from bangban.tickets.models import Category, Ticket
from bangban.tickets.workflow import Status

from .conftest import fill_reply, log_in, pick_unit

# The live server needs committed data. Rows seeded by data migrations (roles, default tiers,
# deadline policies) are recreated on demand, so no serialized rollback is needed.
pytestmark = pytest.mark.django_db(transaction=True)

PHONE = "13912345678"


def switch_user(page: Any, base_url: str, username: str) -> None:
    page.context.clear_cookies()
    log_in(page, base_url, username, PASSWORD)


@pytest.fixture
def cast(world: World) -> dict[str, Any]:  # noqa: F811
    from bangban.tickets.defaults import ensure_defaults

    ensure_defaults()
    office = Unit.objects.create(
        code="city-gov-office",
        name="宿迁市人民政府办公室",
        short_name="市政府办公室",
        type=UnitType.CITY_DEPARTMENT,
        region=world.city,
    )
    deputy = make_user("fumishuzhang", Role.DEPUTY_SECRETARY_GENERAL, unit=office, full_name="对口副秘书长")
    category = Category.objects.filter(level=1, is_active=True).order_by("sort", "code").first()
    assert category is not None
    return {
        "category": category,
        "staff": make_user("shizhengfu", Role.MAYOR_OFFICE, unit=office, full_name="市政府办专人"),
        "deputy": deputy,
        "secretary": make_user("mishuzhang", Role.SECRETARY_GENERAL, unit=office, full_name="秘书长"),
        "vice_mayor": make_user("fenguan", Role.VICE_MAYOR, unit=office, full_name="分管副市长"),
        "other_vice": make_user("fenguan2", Role.VICE_MAYOR, unit=office, full_name="另一副市长"),
        "dispatcher": make_user("paidan", Role.DISPATCHER, unit=world.biz_office_unit, full_name="市派单员"),
        "head": make_user("head_sy", Role.UNIT_HEAD, unit=world.shuyang_gov, full_name="沭阳县政府负责人"),
    }


def _sms_code() -> str:
    """The code as the phone received it: the outbox shows only a placeholder for a code."""
    from bangban.notifications import backends

    message = OutboxMessage.objects.filter(channel="sms", address=PHONE).order_by("-id").first()
    assert message is not None
    bodies = [m.body for m in backends.sent if m.address == PHONE] + [message.body]
    found = next((m for m in (re.search(r"\d{6}", body) for body in reversed(bodies)) if m), None)
    assert found is not None
    return found.group(0)


def test_mayor_channel_case_from_the_public_column_to_closure(
    live_server: Any,
    page: Any,
    world: World,  # noqa: F811
    cast: dict[str, Any],
) -> None:
    base = live_server.url

    # 1. A visitor confirms a phone number and writes to the mayor's column.
    page.goto(f"{base}/cases/intake/mayor/")
    page.fill("[data-testid=field-phone]", PHONE)
    page.check("[data-testid=field-privacy-consent]")
    page.click("[data-testid=send-code]")
    page.wait_for_selector("[data-testid=code-sent]")
    page.fill("[data-testid=field-code]", _sms_code())
    page.click("[data-testid=verify]")
    page.wait_for_selector("[data-testid=mayor-form]")
    page.fill("[data-testid=field-enterprise-name]", "宿迁某新材料有限公司")
    page.fill("[data-testid=field-contact-name]", "赵经理")
    page.fill("[data-testid=field-title]", "新厂区供水管网接入迟迟未落实")
    page.fill("[data-testid=field-content]", "我公司新厂区已建成，供水管网接入申请半年未落实，影响试生产。")
    page.click("[data-testid=submit]")
    page.wait_for_url(re.compile(r"/cases/intake/mayor/done/"))
    ticket = Ticket.objects.get(channel="mayor")
    told = OutboxMessage.objects.filter(subject__contains=ticket.number)
    assert told.filter(recipient=cast["staff"], subject__startswith="市长直通车新诉求待分类").exists()
    assert not told.filter(recipient=cast["dispatcher"]).exists()

    # 营商办 put the category in the 分管市长's charge on the portfolio page.
    log_in(page, base, world.biz_office.username, PASSWORD)
    page.goto(f"{base}/escalation/mayor/portfolio/")
    page.wait_for_selector("[data-testid=portfolio-table] [data-testid=empty]")
    page.select_option("[data-testid=portfolio-add-form] select[name=category]", str(cast["category"].pk))
    page.select_option("[data-testid=portfolio-add-form] select[name=vice_mayor]", str(cast["vice_mayor"].pk))
    page.click("[data-testid=portfolio-add]")
    page.wait_for_selector(f"[data-testid=portfolio-row][data-category='{cast['category'].code}']")
    page.context.clear_cookies()

    # 2. 市政府办公室 first map the category to its 对口联系副秘书长 in the table's editor, then find
    #    the submission among the collected ones and classify it.
    log_in(page, base, cast["staff"].username, PASSWORD)
    page.goto(f"{base}/escalation/mayor/")
    page.click("[data-testid=routes-link]")
    page.wait_for_selector("[data-testid=route-table] [data-testid=empty]")
    page.select_option("[data-testid=route-add-form] select[name=category]", str(cast["category"].pk))
    page.select_option("[data-testid=route-add-form] select[name=deputy]", str(cast["deputy"].pk))
    page.click("[data-testid=route-add]")
    page.wait_for_selector(f"[data-testid=route-row][data-category='{cast['category'].code}']")
    assert DeputyRoute.objects.get(category=cast["category"]).deputy == cast["deputy"]
    page.goto(f"{base}/escalation/mayor/?stage=collected")
    row = page.locator(f"[data-testid=mayor-row][data-number='{ticket.number}']")
    assert "专项督查" in row.inner_text()
    row.locator("a").first.click()
    page.select_option("[data-testid=classify-form] select[name=category]", str(cast["category"].pk))
    page.select_option("[data-testid=classify-form] select[name=kind]", "general")
    page.click("[data-testid=classify-submit]")
    page.wait_for_selector("[data-testid=mayor-case][data-stage=deputy]")

    # The dispatcher's queue shows it as under review, with a link to the review, not a form.
    switch_user(page, base, cast["dispatcher"].username)
    page.goto(f"{base}/cases/dispatch/")
    card = page.locator(f"[data-testid=dispatch-row][data-number='{ticket.number}']")
    assert "市长直通车审核中" in card.inner_text()
    assert card.locator("[data-testid=dispatch-form]").count() == 0
    card.locator("[data-testid=mayor-review-link]").click()
    page.wait_for_selector("[data-testid=mayor-case][data-stage=deputy]")

    # 3. The 对口联系副秘书长 reviews it.
    switch_user(page, base, cast["deputy"].username)
    page.goto(f"{base}/escalation/mayor/{ticket.pk}/")
    page.select_option("[data-testid=sign-urgency]", "urgent")
    page.fill("[data-testid=sign-form] textarea[name=comment]", "拟同意，请秘书长签批")
    page.click("[data-testid=sign-accept]")
    page.wait_for_selector("[data-testid=mayor-case][data-stage=secretary]")

    # 4. The 分管市长 may not sign before the 秘书长: the page says whose turn it is.
    switch_user(page, base, cast["vice_mayor"].username)
    page.goto(f"{base}/escalation/mayor/{ticket.pk}/")
    assert page.locator("[data-testid=sign-form]").count() == 0
    page.evaluate(
        """() => { const f = document.createElement('form'); f.method = 'post';
        f.innerHTML = '<input name="csrfmiddlewaretoken" value="' +
          document.cookie.replace(/(?:(?:^|.*;\\s*)csrftoken\\s*=\\s*([^;]*).*$)|^.*$/, '$1') + '">' +
          '<input name="op" value="sign"><input name="decision" value="accept">';
        document.body.appendChild(f); f.submit(); }"""
    )
    page.wait_for_selector(".alert-danger")
    assert "不能越过顺序签批" in page.inner_text(".alert-danger")
    page.wait_for_selector("[data-testid=mayor-case][data-stage=secretary]")

    # 5. The 秘书长 then the 分管市长 sign.
    switch_user(page, base, cast["secretary"].username)
    page.goto(f"{base}/escalation/mayor/{ticket.pk}/")
    page.click("[data-testid=sign-accept]")
    page.wait_for_selector("[data-testid=mayor-case][data-stage=vice_mayor]")
    # Another vice-mayor, not in charge of the category, gets no sign form.
    switch_user(page, base, cast["other_vice"].username)
    page.goto(f"{base}/escalation/mayor/{ticket.pk}/")
    page.wait_for_selector("[data-testid=mayor-case][data-stage=vice_mayor]")
    assert page.locator("[data-testid=sign-form]").count() == 0
    assert "分管副市长" in page.inner_text("[data-testid=review-vice-mayor]")
    switch_user(page, base, cast["vice_mayor"].username)
    page.goto(f"{base}/escalation/mayor/{ticket.pk}/")
    page.fill("[data-testid=sign-form] textarea[name=comment]", "同意，请沭阳县两个工作日内办结")
    page.click("[data-testid=sign-accept]")
    page.wait_for_selector("[data-testid=mayor-case][data-stage=ready]")

    # 6. 市政府办公室 dispatch it to 沭阳县政府, clear and urgent: 2 working days.
    switch_user(page, base, cast["staff"].username)
    page.goto(f"{base}/escalation/mayor/{ticket.pk}/")
    pick_unit(
        page.locator("[data-testid=mayor-dispatch-form]"), "d-lead", "沭阳县人民", world.shuyang_gov.name
    )
    # The review's assessment is proposed and pre-selected.
    assert "事实清楚、情况紧急" in page.inner_text("[data-testid=dispatch-proposal]")
    assert page.input_value("[data-testid=mayor-dispatch-form] select[name=urgency]") == "urgent"
    page.click("[data-testid=mayor-dispatch-submit]")
    page.wait_for_selector("[data-testid=mayor-case][data-stage=dispatched]")
    ticket.refresh_from_db()
    assert ticket.status == Status.DISPATCHED and ticket.workdays_allowed == 2

    # 7. The county handles it; its head approves the reply.
    switch_user(page, base, world.handler_shuyang.username)
    page.goto(f"{base}/cases/{ticket.pk}/")
    assert "专项督查" in page.inner_text("[data-testid=escalation-panel]")
    page.click("[data-testid=submit-accept]")
    page.wait_for_selector("[data-testid=panel-reply]")
    fill_reply(page, "已协调水务公司完成管网接入，请企业确认。")
    page.click("[data-testid=submit-reply]")
    page.wait_for_selector("[data-testid=status][data-status=reply_review]")
    switch_user(page, base, cast["head"].username)
    page.goto(f"{base}/cases/{ticket.pk}/")
    page.check("[data-testid=panel-review] input[name=decision][value=approve]")
    page.click("[data-testid=submit-review]")
    page.wait_for_selector("[data-testid=status][data-status=replied]")

    # 8. The dispatcher's follow-up closes it.
    switch_user(page, base, cast["dispatcher"].username)
    page.goto(f"{base}/cases/{ticket.pk}/")
    form = page.locator("[data-testid=form-follow_up]")
    form.locator("select[name$=method]").select_option("phone")
    form.locator("input[name$=resolved][value='1']").check()
    form.locator("select[name$=satisfaction]").select_option(label="满意")
    page.click("[data-testid=submit-follow_up]")
    page.wait_for_selector("[data-testid=status][data-status=closed]")
    assert Ticket.objects.get(pk=ticket.pk).status == Status.CLOSED


def test_case_escalated_to_tier_3_and_treated_in_a_meeting_whose_task_is_done(
    live_server: Any,
    page: Any,
    world: World,  # noqa: F811
    cast: dict[str, Any],
) -> None:
    from bangban.tickets.actions import do_accept, do_dispatch

    base = live_server.url
    ticket = Ticket.objects.create(
        number="QY-20261001-0001",
        channel="portal",
        title="厂房消防验收久拖不决",
        content="消防验收申请已提交两个月，仍未安排现场检查。",
        enterprise=world.ent_shuyang,
        region=world.shucheng,
        received_at=timezone.now(),
    )
    do_dispatch(acting_user=cast["dispatcher"], ticket_id=ticket.pk, lead_unit_id=world.shuyang_gov.pk)
    do_accept(acting_user=world.handler_shuyang, ticket_id=ticket.pk)

    # 1. 营商办 raise it from the case page straight to 市营商办 (tier 3), with a reason.
    log_in(page, base, world.biz_office.username, PASSWORD)
    page.goto(f"{base}/cases/{ticket.pk}/")
    panel = page.locator("[data-testid=escalation-panel]")
    assert "第1级" in panel.locator("[data-testid=escalation-tier]").inner_text()
    panel.locator("select[name=to_level]").select_option("3")
    panel.locator("input[name=reason]").fill("县级协调未果，提请市营商办协调")
    panel.locator("[data-testid=escalate-submit]").click()
    page.wait_for_selector("[data-testid=escalation-panel][data-level='3']")
    assert "第3级 市营商办协调" in page.inner_text("[data-testid=escalation-tier]")
    assert "县级协调未果" in page.inner_text("[data-testid=escalation-path]")
    assert CaseEscalation.objects.get(ticket=ticket).level == 3

    # 2. 营商办 call a 专题会办 on it with the county head.
    page.goto(f"{base}/escalation/meetings/new/")
    page.select_option("#m-type", "topic")
    page.fill("#m-title", "厂房消防验收专题会办")
    page.fill("#m-at", "2026-10-14T09:30")
    page.select_option("#m-chair", str(world.biz_office.pk))
    pick_unit(page, "m-units", "syxzf", world.shuyang_gov.name)
    page.select_option("#m-people", [str(cast["head"].pk)])
    page.fill("#m-cases", ticket.number)
    page.click("[data-testid=meeting-submit]")
    page.wait_for_selector("[data-testid=meeting]")
    meeting_url = page.url
    page.fill(
        "[data-testid=minutes-form] textarea[name=minutes]", "议定：沭阳县政府三个工作日内组织现场验收。"
    )
    page.click("[data-testid=minutes-submit]")
    page.wait_for_selector("[data-testid=meeting][data-status=held]")
    form = page.locator("[data-testid=task-form]")
    form.locator("input[name=content]").fill("三个工作日内组织消防现场验收")
    pick_unit(form, "t-owner", "沭阳县人民", world.shuyang_gov.name)
    form.locator("input[name=workdays]").fill("3")
    form.locator("select[name=ticket]").select_option(str(ticket.pk))
    form.locator("[data-testid=task-submit]").click()
    page.wait_for_selector("[data-testid=task-row][data-status=open]")

    # 3. The county head confirms attendance and reports the task done from the unit's queue.
    switch_user(page, base, cast["head"].username)
    page.goto(meeting_url)
    page.click("[data-testid=confirm-attendance]")
    page.wait_for_selector("[data-testid=participant][data-confirmed='1']")
    page.goto(f"{base}/escalation/tasks/")
    task = page.locator("[data-testid=task][data-status=open]")
    assert "三个工作日内组织消防现场验收" in task.inner_text()
    task.locator("input[name=note]").fill("已于今日完成现场验收并出具意见书")
    task.locator("[data-testid=task-done]").click()
    page.wait_for_selector("[data-testid=task][data-status=done]")
    assert MeetingTask.objects.get().status == "done"

    # 4. The case page shows the meeting and the path.
    page.goto(f"{base}/cases/{ticket.pk}/")
    assert "厂房消防验收专题会办" in page.inner_text("[data-testid=escalation-panel]")
