"""类案督办 in a real browser: 营商办 turns a hotspot (堵点) into one task from its page — the unit
picker already holds the unit that leads most of its cases —, the unit's handler records the one
answer, its head approves it, and each enterprise finds the answer as the reply on its own case,
ready to be rated."""

from __future__ import annotations

from typing import Any

import pytest

from bangban.conftest import PASSWORD, World, _fresh_workday_calendar, login, world  # noqa: F401
from bangban.insight.models import HotspotTask, TaskStatus
from bangban.insight.tests.test_hotspot_tasks import ANSWER, CONDUCT_TITLE, MEASURES, Town
from bangban.tickets.workflow import Status

from .conftest import log_in

# The live server needs committed data.
pytestmark = pytest.mark.django_db(transaction=True)


def switch_user(page: Any, base_url: str, username: str) -> None:
    page.context.clear_cookies()
    log_in(page, base_url, username, PASSWORD)


def test_a_hotspot_becomes_one_task_whose_answer_reaches_every_enterprise(
    live_server: Any,
    page: Any,
    world: World,  # noqa: F811
) -> None:
    town = Town(world)
    base = live_server.url

    # 营商办 on the problem's page: the form names the open cases and proposes 沭阳县人民政府.
    log_in(page, base, world.biz_office.username, PASSWORD)
    page.goto(f"{base}/insight/hotspots/{town.problem.pk}/")
    form = page.locator("[data-testid=hotspot-task-form]")
    assert "纳入已派单、未办结的 4 件诉求" in form.inner_text()
    chip = form.locator("[data-testid=unit-chip]")
    assert chip.count() == 1 and chip.first.inner_text().startswith(world.shuyang_gov.name)
    form.locator("#task-requirement").fill("请统一整治宏达搅拌站夜间噪音和粉尘，并答复全部反映企业")
    form.locator("#task-workdays").fill("5")
    form.locator("[data-testid=hotspot-task-submit]").click()
    page.wait_for_selector(".alert-success")
    assert "已转为类案督办：纳入 4 件诉求" in page.locator(".alert-success").inner_text()
    task = HotspotTask.objects.get()
    assert page.url.endswith(f"/insight/hotspots/tasks/{task.pk}/")
    assert page.locator("[data-testid=hotspot-task-case]").count() == 4
    assert CONDUCT_TITLE not in page.content()

    # The unit's handler finds it under 会办督办 → 类案督办 and answers once.
    switch_user(page, base, world.handler_shuyang.username)
    page.goto(f"{base}/insight/hotspots/tasks/")
    page.locator("[data-testid=hotspot-task-row] a", has_text=town.problem.label).click()
    page.locator("#task-answer").fill(ANSWER)
    page.locator("#task-measures").fill(MEASURES)
    page.locator("#task-result-resolved").check()
    page.locator("[data-testid=hotspot-task-answer-submit]").click()
    page.wait_for_selector(".alert-success")
    assert page.locator("[data-testid=hotspot-task]").get_attribute("data-status") == "review"

    # The head sees what approval will do (three cases 办理中; the unsigned one flagged) and approves.
    switch_user(page, base, town.head.username)
    page.goto(f"{base}/insight/hotspots/tasks/{task.pk}/")
    assert page.locator("[data-testid=hotspot-task-takes]").inner_text() == "3"
    assert "主办单位尚未签收" in page.locator("[data-testid=hotspot-task-cases]").inner_text()
    page.locator("[data-testid=hotspot-task-approve]").click()
    page.wait_for_selector(".alert-success")
    assert "统一答复已写入 3 件诉求" in page.locator(".alert-success").inner_text()
    assert "未能写入 1 件" in page.locator(".alert-success").inner_text()
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    for t in (town.a, town.b, town.d):
        t.refresh_from_db()
        assert t.status == Status.REPLIED

    # Each enterprise sees the answer as the reply on its own case, and may rate it.
    switch_user(page, base, world.enterprise_user.username)
    page.goto(f"{base}/cases/{town.a.pk}/")
    reply = page.locator("[data-testid=reply]")
    assert ANSWER in reply.inner_text() and MEASURES in reply.inner_text()
    assert "已答复待回访" in page.content()
    switch_user(page, base, town.ent_siyang_user.username)
    page.goto(f"{base}/cases/{town.b.pk}/")
    assert ANSWER in page.locator("[data-testid=reply]").inner_text()
