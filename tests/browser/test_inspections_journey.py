"""A 双随机、一公开 draw in a real browser (R9.1): the head of the lead unit makes a joint plan on its
form (first forgetting the 检查事项 — a clear Chinese error), draws it, checks it (复核), announces
it; an enterprise user opens the public page and sees the seed and the drawn enterprises with their
teams; an inspector records a result on a phone."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from bangban.conftest import PASSWORD, _fresh_workday_calendar, login, world  # noqa: F401
from bangban.inspections.models import Plan, PlanStatus, Publication, Visit
from bangban.inspections.tests.conftest import cast  # noqa: F401

from .conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_plan_draw_verify_announce_and_the_public_page(
    live_server: Any,
    page: Any,
    phone_page: Any,
    cast: Any,  # noqa: F811
) -> None:
    base = live_server.url
    w = cast.world
    today = timezone.localdate()

    # 1. The head of 市行政审批局 makes a joint plan with 沭阳县政府.
    log_in(page, base, cast.head.username, PASSWORD)
    page.goto(f"{base}/inspections/")
    assert page.locator("[data-testid=no-plans]").count() == 1
    page.click("[data-testid=new-plan]")
    page.fill("[data-testid=field-title]", "第四季度审批事项联合双随机抽查")
    # The joining unit is picked with the unit picker (pinyin initials of 沭阳县政府).
    page.fill("#f-unit-0", "syxzf")
    page.locator(
        "[data-testid=field-unit-0] [data-unit-option].active", has_text=w.shuyang_gov.name
    ).wait_for()
    page.press("#f-unit-0", "Enter")
    assert page.locator("[data-testid=field-unit-0] [data-testid=unit-chip]").count() == 1
    page.fill("[data-testid=field-ratio_b]", "20")
    page.fill("[data-testid=field-starts-on]", str(today - dt.timedelta(days=3)))
    page.fill("[data-testid=field-ends-on]", str(today + dt.timedelta(days=30)))
    page.click("[data-testid=save-plan]")
    assert "请填写检查事项" in page.inner_text("[data-testid=error-items]")
    page.fill("[data-testid=field-items]", "审批事项事中事后监管")
    page.click("[data-testid=save-plan]")
    page.wait_for_selector("[data-testid=plan-detail]")
    assert page.locator("[data-testid=not-drawn]").count() == 1

    # 2. The draw: a recorded seed, one joint visit per drawn enterprise, a team of each unit.
    page.click("[data-testid=draw]")
    page.wait_for_selector("[data-testid=seed]")
    plan = Plan.objects.get()
    seed = page.inner_text("[data-testid=seed]").strip()
    assert seed == plan.seed and len(seed) == 32
    rows = page.locator("[data-testid=visit-row]")
    assert rows.count() == plan.visits.count() > 0
    team = page.inner_text("[data-testid=visit-team] >> nth=0")
    assert w.approval_bureau.name in team and w.shuyang_gov.name in team

    # 3. 复核 recomputes the draw from the seed: it matches.
    page.click("[data-testid=verify]")
    assert "复核一致" in page.inner_text("[data-testid=verify-result]")

    # 4. 公示 freezes the draw: no button to draw again.
    page.click("[data-testid=announce]")
    page.wait_for_selector("[data-testid=plan-status]")
    assert "已公示抽取结果" in page.inner_text("[data-testid=plan-status]")
    assert page.locator("[data-testid=draw]").count() == 0
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ANNOUNCED and plan.seed == seed

    # 5. An enterprise user opens the public page: the seed and the drawn enterprises with teams.
    other = page.context.browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    public = other.new_page()
    log_in(public, base, w.enterprise_user.username, PASSWORD)
    public.goto(f"{base}/inspections/public/")
    assert seed in public.inner_text("[data-testid=public-seed]")
    public.click("[data-testid=public-plan-link]")
    public.wait_for_selector("[data-testid=public-plan]")
    assert public.inner_text("[data-testid=public-seed]").strip() == seed
    shown = [t.strip() for t in public.locator("[data-testid=public-enterprise]").all_inner_texts()]
    drawn = list(
        Visit.objects.filter(plan=plan).order_by("task_number").values_list("enterprise__name", flat=True)
    )
    assert shown == drawn
    assert w.shuyang_gov.name in public.inner_text("[data-testid=public-team] >> nth=0")
    other.close()

    # 6. An inspector of the first team records its result on a phone.
    visit = Visit.objects.filter(plan=plan).order_by("task_number").first()
    assert visit is not None
    inspector = next(m.inspector for m in visit.team_members if m.unit_id == w.shuyang_gov.pk)
    log_in(phone_page, base, inspector.username, PASSWORD)
    phone_page.goto(f"{base}/inspections/tasks/")
    phone_page.click(f"[data-testid=task-row]:has-text('{visit.task_number}')")
    phone_page.wait_for_selector("[data-testid=result-form]")
    phone_page.click("[data-testid=result-rectify]")
    phone_page.click("[data-testid=record]")
    assert "写明发现的问题" in phone_page.inner_text("[data-testid=error-note]")
    phone_page.fill("[data-testid=field-note]", "消防通道堵塞，责令三日内整改")
    phone_page.click("[data-testid=record]")
    phone_page.wait_for_selector("[data-testid=state]")
    assert "已录入" in phone_page.inner_text("[data-testid=state]")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    visit.refresh_from_db()
    assert visit.state == Publication.RECORDED and visit.result == "rectify"
