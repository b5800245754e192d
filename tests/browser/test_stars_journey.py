"""作风之星 and 移送纪委监委 in a real browser (R15): 作风办 opens a round, a unit head nominates a
person of the unit and sees the figures shown with the nominee, 作风办 closes, decides with an
opinion and publishes, and another county's handler reads the published list; 纪委监委 signs for a
hand-over and records its outcome, and is refused the rest of the product."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from playwright.sync_api import expect

from bangban.accounts.roles import Role
from bangban.conftest import PASSWORD, make_user
from bangban.org.models import Unit, UnitType
from bangban.supervision import actions
from bangban.supervision.models import AccountabilityRecord, DisciplineTransfer
from bangban.supervision.tests.conftest import make_case

from .conftest import log_in


def test_star_round_from_opening_to_publication(world: Any, live_server: Any, page: Any) -> None:
    make_user("zuofeng", Role.CONDUCT_OFFICE, unit=world.biz_office_unit, full_name="作风办刘科长")
    make_user("head_sp", Role.UNIT_HEAD, unit=world.approval_bureau, full_name="审批局负责人")
    today = timezone.localdate()
    quarter = (today.month - 1) // 3 + 1
    make_case(world.approval_bureau, f"{today:%Y-%m}-01 09:00", handler=world.city_handler)
    page.on("dialog", lambda dialog: dialog.accept())

    log_in(page, live_server.url, "zuofeng", PASSWORD)
    page.goto(f"{live_server.url}/supervision/stars/")
    assert page.locator("[data-testid=empty]").is_visible()
    page.fill("#syear", str(today.year))
    page.select_option("#speriod", "quarter")
    page.fill("#snumber", "9")
    page.click("[data-testid=star-open]")
    expect(page.locator("[data-testid=star-open-form]")).to_contain_text("期次无效")
    page.fill("#snumber", str(quarter))
    page.click("[data-testid=star-open]")
    title = page.inner_text("[data-testid=star-round-title]")
    assert "季度“作风之星”评选" in title
    assert page.inner_text("[data-testid=star-round-status]") == "提名中"

    # The unit head nominates a person of the unit: the figures of the period come with the nominee.
    page.context.clear_cookies()
    log_in(page, live_server.url, "head_sp", PASSWORD)
    page.goto(f"{live_server.url}/supervision/stars/")
    page.click(f"text={title}")
    page.click("[data-testid=star-nominate]")
    expect(page.locator("[data-testid=star-nominate-form]")).to_contain_text("请选择被推荐人")
    page.select_option("#sperson", label="审批局承办人（宿迁市行政审批局）")
    page.fill("#sreason", "窗口服务热情，企业诉求办结快")
    page.click("[data-testid=star-nominate]")
    row = page.locator("[data-testid=star-nomination-row]")
    expect(row).to_have_count(1)
    assert "办理 1 件" in row.locator("[data-testid=star-person-figures]").inner_text()
    assert "无未办结问责" in row.locator("[data-testid=star-open-records]").inner_text()

    # 作风办 closes, decides with an opinion and publishes.
    page.context.clear_cookies()
    log_in(page, live_server.url, "zuofeng", PASSWORD)
    page.goto(f"{live_server.url}/supervision/stars/")
    page.click(f"text={title}")
    page.click("[data-testid=star-close]")
    expect(page.locator("[data-testid=star-round-status]")).to_have_text("评审中")
    page.click("[data-testid=star-publish]")
    expect(page.locator(".bb-messages")).to_contain_text("未评审")
    form = page.locator("[data-testid=star-decide-form]")
    form.locator("select[name=decision]").select_option("selected")
    form.locator("input[name=reason]").fill("办件又快又好，企业满意")
    form.locator("[data-testid=star-decide]").click()
    expect(page.locator("[data-testid=star-decision]")).to_contain_text("评选为作风之星：办件又快又好")
    page.click("[data-testid=star-publish]")
    expect(page.locator("[data-testid=star-round-status]")).to_have_text("已公布")
    with page.expect_download() as info:
        page.click("[data-testid=star-export]")
    assert info.value.suggested_filename.endswith(".xlsx")
    assert AccountabilityRecord.objects.filter(kind="star_award", person_name="审批局承办人").count() == 1

    # Another county's handler reads the published list.
    page.context.clear_cookies()
    log_in(page, live_server.url, "handler_sq", PASSWORD)
    page.goto(f"{live_server.url}/supervision/stars/")
    assert "审批局承办人（宿迁市行政审批局）" in page.inner_text("[data-testid=star-winners]")


def test_discipline_signs_for_a_hand_over_and_records_the_outcome(
    world: Any, live_server: Any, page: Any
) -> None:
    jiwei_unit = Unit.objects.create(
        code="city-jiwei", name="宿迁市纪委监委", short_name="市纪委监委", type=UnitType.CITY_DEPARTMENT,
        region=world.city,
    )  # fmt: skip
    make_user("jiwei", Role.DISCIPLINE, unit=jiwei_unit, full_name="纪委监委沈主任")
    case = make_case(world.approval_bureau, "2026-10-05 09:00", title="审批拖延两个月")
    record = actions.do_create_record(
        world.biz_office, kind="transfer", unit_id=world.approval_bureau.pk, year=2026, month=10,
        reason="多次推诿，涉嫌违纪", person_name="审批局承办人", ticket_numbers=[case.number],
    )  # fmt: skip
    transfer = actions.do_transfer_record(
        world.biz_office, record.pk, addressee_id=jiwei_unit.pk, transferred_on=timezone.localdate(),
        materials="问责记录、办理记录", now=timezone.now(),
    )  # fmt: skip

    log_in(page, live_server.url, "jiwei", PASSWORD)
    page.goto(f"{live_server.url}/supervision/transfers/")
    page.locator("[data-testid=transfer-row] a").click()
    assert "移交纪委监委" in page.inner_text("[data-testid=transfer-record]")
    page.locator("[data-testid=transfer-case-row] a").click()
    assert "审批拖延两个月" in page.inner_text("[data-testid=transfer-case]")
    page.go_back()
    page.click("[data-testid=transfer-receive]")
    expect(page.locator("[data-testid=transfer-status]")).to_have_text("已接收")
    page.click("[data-testid=transfer-conclude]")  # without an outcome
    expect(page.locator(".bb-messages")).to_contain_text("请填写处理结果")
    page.fill("textarea[name=outcome]", "给予诫勉谈话")
    page.click("[data-testid=transfer-conclude]")
    expect(page.locator("[data-testid=transfer-status]")).to_have_text("已反馈处理结果")
    assert "给予诫勉谈话" in page.inner_text("[data-testid=transfer-outcome]")
    transfer.refresh_from_db()
    assert transfer.status == "concluded" and transfer.received_at is not None
    assert DisciplineTransfer.objects.count() == 1
    # The rest of the product is not 纪委监委's.
    for path in ("/supervision/rankings/", "/supervision/accountability/", f"/cases/{case.pk}/"):
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 404, path
