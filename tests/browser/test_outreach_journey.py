"""Projects, policies and supervisors in a real browser (issue 6, items 4, 5 and 6).

A chief service officer records a procedure of an investment project as 告知 without a solution
and is refused, with the message next to the field; with a solution it is recorded. 营商办 enters a
惠企政策 for manufacturing and pushes it; the enterprise user, on a phone, sees it unread, opens it
(the read receipt reaches 营商办's page) and asks a question that becomes a case. A volunteer
supervisor reports a problem on the phone page; 营商办 forwards it and the supervisor sees the case.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest

from bangban.accounts.roles import Role
from bangban.conftest import PASSWORD, World, _fresh_workday_calendar, login, make_user, world  # noqa: F401
from bangban.outreach.models import InvestmentProject, PolicyDelivery, PolicyQuestion, ProjectProcedure
from bangban.tickets.models import Channel

from .conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def switch_user(page: Any, base_url: str, username: str) -> None:
    page.context.clear_cookies()
    log_in(page, base_url, username, PASSWORD)


@pytest.fixture
def project(world: World) -> InvestmentProject:  # noqa: F811
    chief = make_user("shouxi", Role.CHIEF_SERVICE_OFFICER, unit=world.shuyang_gov, full_name="首席服务员周")
    world.enterprise_user.phone = "13600003333"
    world.enterprise_user.save(update_fields=["phone"])
    return InvestmentProject.objects.create(
        name="年产10万吨功能纤维项目",
        enterprise=world.ent_shuyang,
        region=world.shuyang,
        amount=Decimal("52000"),
        chief_officer=chief,
        created_by=chief,
    )


def test_inform_needs_a_solution_then_a_pushed_policy_is_read_and_questioned(
    live_server: Any,
    page: Any,
    phone_page: Any,
    world: World,  # noqa: F811
    project: InvestmentProject,
) -> None:
    base = live_server.url

    # 1. 告知 without a solution is refused next to the field; with one it is recorded.
    log_in(page, base, "shouxi", PASSWORD)
    page.goto(f"{base}/outreach/projects/{project.pk}/")
    form = page.locator("[data-testid=procedure-form]")
    form.locator("#id_name").fill("林地使用审批")
    form.locator("#id_mode_inform").check()
    form.locator("#id_inform_reason").fill("项目用地涉及生态红线，不能代办")
    page.click("[data-testid=procedure-submit]")
    error = page.locator("[data-testid=error-inform_solution]")
    error.wait_for()
    assert "必须写明解决办法" in error.inner_text()
    assert page.locator("#id_inform_reason").input_value() == "项目用地涉及生态红线，不能代办"
    assert not ProjectProcedure.objects.exists()
    page.locator("#id_inform_solution").fill("调整至园区二期地块，县自然资源局协助重新选址")
    page.click("[data-testid=procedure-submit]")
    page.locator("[data-testid=inform-solution]").wait_for()
    assert "调整至园区二期地块" in page.locator("[data-testid=procedure-table]").inner_text()
    assert ProjectProcedure.objects.get().inform_solution.startswith("调整至园区二期")

    # 2. 营商办 enters a policy for manufacturing and pushes it.
    switch_user(page, base, "yingshangban")
    page.goto(f"{base}/outreach/policies/new/")
    page.fill("#id_title", "制造业智能化改造奖补政策")
    page.fill("#id_summary", "对智能化改造设备投资给予10%补助，单个项目最高500万元。")
    page.select_option("#id_industries", ["C"])
    page.click("[data-testid=submit]")
    page.locator("[data-testid=policy-title]").wait_for()
    page.click("[data-testid=push]")
    page.get_by_text("已推送给 2 家企业").wait_for()
    assert PolicyDelivery.objects.count() == 2
    policy_url = page.url

    # 3. The enterprise user, on a phone, sees it unread, reads it and asks a question.
    phone_page.goto(f"{base}/accounts/login/")
    phone_page.fill("#id_username", world.enterprise_user.username)
    phone_page.fill("#id_password", PASSWORD)
    phone_page.click("button[type=submit]")
    phone_page.wait_for_selector("[data-testid=current-user]", state="attached")
    phone_page.goto(f"{base}/outreach/my-policies/")
    item = phone_page.locator("[data-testid=my-policy]")
    assert item.count() == 1
    assert phone_page.locator("[data-testid=unread]").count() == 1
    item.click()
    phone_page.locator("[data-testid=read-receipt]").wait_for()
    phone_page.fill("#id_content", "二手设备是否计入设备投资额？")
    phone_page.click("[data-testid=ask]")
    number = phone_page.locator("[data-testid=question-ticket]")
    number.wait_for()
    question = PolicyQuestion.objects.get()
    assert number.inner_text() == question.ticket.number
    assert question.ticket.channel == Channel.PORTAL
    assert question.ticket.enterprise == world.ent_shuyang
    phone_page.goto(f"{base}/outreach/my-policies/")
    assert phone_page.locator("[data-testid=unread]").count() == 0
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"页面在手机上出现横向滚动（{width}px）"

    # 4. 营商办 sees the read receipt.
    page.goto(policy_url)
    rows = page.locator("[data-testid=delivery-row]")
    texts = [rows.nth(i).inner_text() for i in range(rows.count())]
    assert any(re.search("沭阳示例纺织有限公司.*已读", t, re.S) for t in texts)
    assert any(re.search("泗阳示例食品有限公司.*未读", t, re.S) for t in texts)


def test_supervisor_reports_on_a_phone_and_follows_the_forwarded_case(
    live_server: Any,
    page: Any,
    phone_page: Any,
    world: World,  # noqa: F811
) -> None:
    base = live_server.url
    make_user("jianduyuan", Role.VOLUNTEER_SUPERVISOR, full_name="监督员陈", phone="13700002222")

    phone_page.goto(f"{base}/accounts/login/")
    phone_page.fill("#id_username", "jianduyuan")
    phone_page.fill("#id_password", PASSWORD)
    phone_page.click("button[type=submit]")
    phone_page.wait_for_selector("[data-testid=current-user]", state="attached")
    phone_page.goto(f"{base}/outreach/reports/new/")
    phone_page.click("[data-testid=submit]")
    phone_page.locator("[data-testid=error-title]").wait_for()
    phone_page.fill("#id_title", "窗口要求重复提交材料")
    phone_page.fill("#id_content", "办理变更登记时，窗口要求再次提交已在系统中的营业执照复印件")
    phone_page.select_option("#id_region", "321322")
    phone_page.click("[data-testid=submit]")
    phone_page.locator("[data-testid=report-status]").wait_for()
    assert phone_page.locator("[data-testid=report-status]").inner_text() == "待转办"
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"页面在手机上出现横向滚动（{width}px）"
    report_url = phone_page.url

    log_in(page, base, "yingshangban", PASSWORD)
    page.goto(report_url)
    page.click("[data-testid=forward]")
    page.locator("[data-testid=report-ticket]").wait_for()

    phone_page.goto(report_url)
    assert phone_page.locator("[data-testid=report-status]").inner_text() == "已转办"
    from bangban.tickets.models import Ticket

    ticket = Ticket.objects.get()
    assert ticket.number in phone_page.locator("[data-testid=report-ticket]").inner_text()
    assert ticket.channel == Channel.SUPERVISOR


def test_an_association_submits_on_a_phone_and_follows_answer_and_rating(
    live_server: Any,
    page: Any,
    phone_page: Any,
    world: World,  # noqa: F811
) -> None:
    from bangban.outreach.models import Association, AssociationOpinion

    base = live_server.url
    account = make_user("xiehui", Role.ASSOCIATION, full_name="纺织商会秘书长")
    association = Association.objects.create(name="宿迁市纺织服装商会", region=world.city)
    association.members.add(world.ent_shuyang)
    association.accounts.add(account)

    # 1. The association, on a phone, is refused without a title, then submits as itself.
    phone_page.goto(f"{base}/accounts/login/")
    phone_page.fill("#id_username", "xiehui")
    phone_page.fill("#id_password", PASSWORD)
    phone_page.click("button[type=submit]")
    phone_page.wait_for_selector("[data-testid=current-user]", state="attached")
    phone_page.goto(f"{base}/outreach/opinions/new/")
    assert "以“宿迁市纺织服装商会”的名义提交" in phone_page.content()
    phone_page.fill("#id_content", "会员企业反映用能指标不足，希望统筹分配。")
    phone_page.select_option("#id_answer_unit_id", str(world.shuyang_gov.pk))
    phone_page.click("[data-testid=submit]")
    error = phone_page.locator("[data-testid=error-title]")
    error.wait_for()
    assert "请填写议题" in error.inner_text()
    assert not AssociationOpinion.objects.exists()
    phone_page.fill("#id_title", "印染企业用能指标紧张")
    phone_page.select_option("#id_enterprise_ids", [str(world.ent_shuyang.pk)])
    phone_page.click("[data-testid=submit]")
    phone_page.locator("[data-testid=opinion-status]").wait_for()
    assert phone_page.locator("[data-testid=opinion-status]").inner_text() == "待答复"
    assert "协会商会自行提交" in phone_page.locator("[data-testid=opinion-submitter]").inner_text()
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"页面在手机上出现横向滚动（{width}px）"
    assert phone_page.locator("[data-testid=answer-submit]").count() == 0
    opinion_url = phone_page.url
    assert AssociationOpinion.objects.get().submitted_by == account

    # 2. The unit answers; the enterprise rates the answer.
    log_in(page, base, world.handler_shuyang.username, PASSWORD)
    page.goto(opinion_url)
    page.fill("#id_answer", "县里统筹年度用能指标，优先保障技改达标企业")
    page.click("[data-testid=answer-submit]")
    page.locator("[data-testid=opinion-answer]").wait_for()
    switch_user(page, base, world.enterprise_user.username)
    page.goto(opinion_url)
    page.check("#level1")
    page.click("[data-testid=rate-submit]")
    page.get_by_text("感谢评价").wait_for()

    # 3. The association follows both on its phone.
    phone_page.goto(opinion_url)
    assert "县里统筹年度用能指标" in phone_page.locator("[data-testid=opinion-answer]").inner_text()
    assert "非常满意" in phone_page.locator("[data-testid=opinion-ratings]").inner_text()
    assert phone_page.locator("[data-testid=opinion-status]").inner_text() == "已评价"
