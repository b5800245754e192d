"""专项督查 in a real browser (issue #16, item 4): 营商办 opens a special inspection, chooses a
mayor-channel case and a meeting decision (a hotline case typed in by number is refused with the
reason), starts it, records a conclusion per item, closes it and reads and downloads the report."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from docx import Document

from bangban.conftest import PASSWORD
from bangban.escalation.models import MayorReview, Meeting, MeetingTask
from bangban.supervision.models import SpecialInspection, SpecialStatus
from bangban.supervision.tests.conftest import make_case

from .conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_special_inspection_journey(world: Any, live_server: Any, page: Any, tmp_path: Path) -> None:
    now = timezone.now()
    day = timezone.localtime(now).strftime("%Y-%m-%d")
    mayor = make_case(world.shuyang_gov, f"{day} 08:00", channel="mayor", title="厂区道路迟迟未修")
    MayorReview.objects.create(ticket=mayor, collected_at=now, stage="dispatched")
    hotline = make_case(world.approval_bureau, f"{day} 08:00", title="营业执照办理慢")
    meeting = Meeting.objects.create(
        type="executive", title="常务副市长会办会", held_at=now, chair=world.biz_office,
        created_by=world.biz_office, created_at=now, status="held",
    )  # fmt: skip
    MeetingTask.objects.create(
        meeting=meeting, content="协调解决用电增容", owner_unit=world.approval_bureau, workdays=5,
        due_at=now + dt.timedelta(days=7), created_at=now,
    )  # fmt: skip

    log_in(page, live_server.url, "yingshangban", PASSWORD)
    page.goto(f"{live_server.url}/supervision/special/")
    assert "暂无专项督查" in page.inner_text("[data-testid=special-table]")
    page.click("text=新建专项督查（立项）")
    page.fill("#title", "市长直通车及会办事项专项督查")
    page.fill("#basis", "逐件核查办理实效")
    page.click("[data-testid=special-create]")
    page.wait_for_selector("[data-testid=items-form]")

    # A case not from the mayor's channel is refused, with the reason.
    page.fill("#numbers", hotline.number)
    page.click("[data-testid=items-add]")
    assert "不是市长直通车诉求" in page.inner_text("body")
    page.check(f"input[name=case][value='{mayor.number}']")
    page.click("text=协调解决用电增容")
    page.click("[data-testid=items-add]")
    page.wait_for_selector("text=已纳入2项督查事项")
    assert page.locator("[data-testid=special-item]").count() == 2

    page.click("[data-testid=special-start]")
    page.wait_for_selector("[data-testid=check-form]")
    assert page.inner_text("[data-testid=special-status]") == "督查中"
    forms = page.locator("[data-testid=check-form]")
    forms.nth(0).locator("select").select_option("lagging")
    forms.nth(0).locator("input[name=finding]").fill("道路仍未修复")
    forms.nth(0).locator("button").click()
    page.wait_for_selector("text=督查结论已登记")
    page.locator("[data-testid=check-form]").nth(1).locator("button").click()  # 已落实
    page.wait_for_selector("text=督查结论已登记")

    page.click("[data-testid=special-close]")
    page.wait_for_selector("[data-testid=report-final]")
    body = page.inner_text("[data-testid=report-body]")
    assert "推进滞后1项" in body and "道路仍未修复" in body and mayor.number in body
    with page.expect_download() as download:
        page.click("[data-testid=report-docx]")
    target = tmp_path / "report.docx"
    download.value.save_as(target)
    text = "\n".join(p.text for p in Document(str(target)).paragraphs)
    assert "关于市长直通车及会办事项专项督查情况的报告" in text
    assert SpecialInspection.objects.get().status == SpecialStatus.CLOSED
