"""局长跑现场 (R2.5) in a real browser.

The unit head of 沭阳县政府 books a run of 企业开办, records it — first without any problem (a clear
Chinese error), then with one problem found — makes the problem a rectification item of 市行政审批局
with the unit picker, reports what changed, verifies it and closes the run (已销号); the yearly list
shows the run with what changed.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from bangban.accounts.roles import Role
from bangban.conftest import PASSWORD, _fresh_workday_calendar, login, make_user, world  # noqa: F401
from bangban.fieldruns.models import Finding, Item, ItemStatus, Run, RunStatus

from .conftest import log_in, pick_unit

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_unit_head_runs_a_service_and_closes_the_run_after_rectification(
    live_server: Any,
    page: Any,
    world: Any,  # noqa: F811
) -> None:
    base = live_server.url
    head = make_user("head_sy", Role.UNIT_HEAD, unit=world.shuyang_gov, full_name="沭阳县长")
    today = timezone.localdate().isoformat()

    # 1. Book the run from the list.
    log_in(page, base, head.username, PASSWORD)
    page.goto(f"{base}/fieldruns/")
    page.click("[data-testid=book-run]")
    page.fill("[data-testid=field-planned-on]", today)
    page.fill("[data-testid=field-service]", "企业开办")
    page.fill("[data-testid=field-place]", "沭阳县政务服务中心一楼")
    page.select_option("[data-testid=field-kind]", "experience")
    page.select_option("[data-testid=field-role]", "applicant")
    page.click("[data-testid=book-submit]")
    assert page.inner_text("[data-testid=run-status]") == "已预约"

    # 2. An empty record is refused with the reason; one problem found is recorded.
    page.fill("[data-testid=field-minutes]", "95")
    page.fill("[data-testid=field-steps]", "网上申报→窗口核验→刻章→领照")
    page.click("[data-testid=record-submit]")
    assert "请至少记录一个发现的问题" in page.inner_text("[data-testid=error-findings]")
    page.fill("[data-testid=field-findings]", "网上申报要求重复上传身份证")
    with page.expect_navigation():
        page.click("[data-testid=record-submit]")
    assert page.inner_text("[data-testid=run-status]") == "已完成"
    finding = Finding.objects.get()

    # 3. The problem becomes a rectification item of 市行政审批局 (unit picker), 5 working days.
    form = page.locator("[data-testid=item-form-1]")
    pick_unit(form, f"f-owner-{finding.pk}", "行政审批", "宿迁市行政审批局")
    form.locator("[data-testid=field-owner-person]").fill("刘科长")
    form.locator("[data-testid=add-item]").click()
    page.wait_for_selector("[data-testid=report-form-1]")
    assert page.inner_text("[data-testid=run-status]") == "整改中"
    item = Item.objects.get()
    assert item.owner_unit_id == world.approval_bureau.pk and item.status == ItemStatus.OPEN

    # 4. 整改完成 with what changed, then verified; the run is closed.
    page.fill("[data-testid=field-change]", "已对接电子证照库，身份证授权调取")
    page.click("[data-testid=report-item]")
    with page.expect_navigation():
        page.click("[data-testid=verify-item]")
    assert page.inner_text("[data-testid=item-status]") == "已核验销项"
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.click("[data-testid=close-run]")
    assert page.inner_text("[data-testid=run-status]") == "已销号"
    assert Run.objects.get().status == RunStatus.CLOSED

    # 5. The yearly list shows who ran what and what changed.
    page.goto(f"{base}/fieldruns/yearly/")
    row = page.inner_text("[data-testid=yearly-row]")
    assert "企业开办" in row and "沭阳县长" in row and "身份证授权调取" in row
