"""不作为/慢作为 detection in a real browser (R15.2): 营商办 opens last month on the detection page,
runs the detection, reads the findings with their proposals, filters one pattern, opens the cases
behind a finding and exports them; a county handler sees its own county's findings only; the
proposal is then handed over to 纪委监委 from the accountability page."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from playwright.sync_api import expect

from bangban.accounts.roles import Role
from bangban.conftest import PASSWORD, make_user
from bangban.org.models import Unit, UnitType
from bangban.supervision.figures import previous_month
from bangban.supervision.models import AccountabilityRecord, DisciplineTransfer, InactionFinding
from bangban.supervision.tests.conftest import make_case

from .conftest import log_in


def test_detect_read_and_hand_over(world: Any, live_server: Any, page: Any) -> None:
    today = timezone.localdate()
    year, month = previous_month(today.year, today.month)
    day = f"{year}-{month:02d}"
    # Last month: 市行政审批局 5 cases gone overdue (≥ 5: 约谈), 泗阳县政府 6 overdue.
    for i in range(5):
        make_case(world.approval_bureau, f"{day}-{i + 2:02d} 09:00", overdue_at=f"{day}-10 10:00",
                  handler=world.city_handler)  # fmt: skip
    for i in range(6):
        make_case(world.siyang_gov, f"{day}-{i + 2:02d} 10:00", overdue_at=f"{day}-12 10:00")
    jiwei_unit = Unit.objects.create(
        code="city-jiwei", name="宿迁市纪委监委", short_name="市纪委监委", type=UnitType.CITY_DEPARTMENT,
        region=world.city,
    )  # fmt: skip
    make_user("jiwei", Role.DISCIPLINE, unit=jiwei_unit, full_name="纪委监委沈主任")

    log_in(page, live_server.url, "yingshangban", PASSWORD)
    page.goto(f"{live_server.url}/supervision/inaction/?month={day}")
    assert "该月尚未检测" in page.inner_text("[data-testid=inaction-scan]")
    assert page.locator("[data-testid=inaction-row]").count() == 0
    page.click("[data-testid=inaction-run] button")
    expect(page.locator(".bb-messages")).to_contain_text("已提交后台检测")
    page.goto(f"{live_server.url}/supervision/inaction/?month={day}")
    assert "上次检测" in page.inner_text("[data-testid=inaction-scan]")
    rows = page.locator("[data-testid=inaction-row]")
    assert rows.count() == 2
    bureau = rows.filter(has_text="宿迁市行政审批局")
    assert (
        "超期" in bureau.inner_text()
        and "约谈" in bureau.inner_text()
        and "审批局承办人 5 件" in bureau.inner_text()
    )
    # The thresholds are stated under the table.
    page.click("[data-testid=inaction-rules] summary")
    assert "超期" in page.inner_text("[data-testid=inaction-rules]")
    # Filter one pattern: nothing of 重复反映.
    page.select_option("#ipattern", "repeat")
    with page.expect_navigation():
        page.click("[data-testid=inaction-filter] button")
    expect(page.locator("[data-testid=empty]")).to_be_visible()
    page.select_option("#ipattern", "overdue")
    with page.expect_navigation():
        page.click("[data-testid=inaction-filter] button")
    expect(page.locator("[data-testid=inaction-row]")).to_have_count(2)

    # The cases behind the finding, and their export.
    page.locator("[data-testid=inaction-row]", has_text="宿迁市行政审批局").locator(
        "[data-testid=inaction-cases]"
    ).click()
    assert "超期" in page.inner_text("[data-testid=cases-title]")
    expect(page.locator("[data-testid=case-row]")).to_have_count(5)
    with page.expect_download() as info:
        page.click("[data-testid=cases-export]")
    assert info.value.suggested_filename.endswith(".xlsx")

    # A county handler reads its own county's finding only and cannot run the detection.
    page.context.clear_cookies()
    log_in(page, live_server.url, "handler_sq", PASSWORD)
    page.goto(f"{live_server.url}/supervision/inaction/?month={day}")
    rows = page.locator("[data-testid=inaction-row]")
    assert rows.count() == 1 and "泗阳县人民政府" in rows.inner_text()
    assert page.locator("[data-testid=inaction-run]").count() == 0

    # 营商办 hands the bureau's proposal over to 纪委监委 from the accountability page.
    proposal = InactionFinding.objects.get(unit=world.approval_bureau).record
    assert proposal is not None and proposal.automatic
    page.context.clear_cookies()
    log_in(page, live_server.url, "yingshangban", PASSWORD)
    page.goto(f"{live_server.url}/supervision/accountability/")
    page.locator("[data-testid=record-row]", has_text="宿迁市行政审批局").locator(
        "[data-testid=record-transfer]"
    ).click()
    page.fill("#tmat", "不作为慢作为检测结果、超期诉求清单")
    page.click("[data-testid=transfer-save]")
    expect(page.locator("[data-testid=transfer-status]")).to_have_text("已移送")
    # The hand-over lists the finding's cases.
    expect(page.locator("[data-testid=transfer-case-row]")).to_have_count(5)
    transfer = DisciplineTransfer.objects.get()
    assert transfer.record_id == proposal.pk and transfer.addressee_id == jiwei_unit.pk
    assert AccountabilityRecord.objects.get(pk=proposal.pk).status == "proposed"
