"""Monthly supervision in a real browser (issue #7, item 7): 营商办 opens last month's frozen ranking,
drafts, reviews and issues the 12345 通报 and downloads it (the .docx is opened with python-docx:
margins, fonts, 发文字号); one unit submits its ledger on time and another is shown late."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.utils import timezone
from docx import Document
from docx.shared import Length

from bangban.conftest import PASSWORD
from bangban.supervision import actions, dashboard, dashboard_counts
from bangban.supervision.figures import previous_month
from bangban.supervision.models import Ledger, LedgerStatus
from bangban.supervision.tests.conftest import make_case

from .conftest import log_in


def _mm(value: Any) -> float:
    assert value is not None
    return round(float(Length(value).mm), 1)


def _east_asian_fonts(document: Any) -> set[str]:
    return {
        value
        for element in document.element.body.iter()
        if element.tag.endswith("}rFonts")
        for key, value in element.attrib.items()
        if key.endswith("eastAsia")
    }


def test_ranking_notice_and_ledgers(
    world: Any, live_server: Any, page: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    today = timezone.localdate()
    year, month = previous_month(today.year, today.month)
    day = f"{year}-{month:02d}"
    make_case(
        world.approval_bureau,
        f"{day}-05 09:00",
        dispatched_at=f"{day}-05 10:00",
        accepted_at=f"{day}-06 18:00",
        due_at=f"{day}-12 23:59:59",
        follow_up=(False, 4),
    )
    make_case(
        world.shuyang_gov,
        f"{day}-06 09:00",
        dispatched_at=f"{day}-06 10:00",
        accepted_at=f"{day}-06 11:00",
        due_at=f"{day}-13 23:59:59",
        closed_at=f"{day}-08 11:00",
        status="closed",
        follow_up=(True, 1),
    )
    actions.do_compute_ranking(world.biz_office, year, month, min_cases=1)
    actions.do_freeze_ranking(world.biz_office, year, month)
    actions.do_generate_ledgers(world.biz_office, year, month)
    # One unit still has time; the other's due date has passed.
    Ledger.objects.filter(unit=world.shuyang_gov).update(due_date=today + dt.timedelta(days=3))
    Ledger.objects.filter(unit=world.approval_bureau).update(due_date=today - dt.timedelta(days=2))

    log_in(page, live_server.url, "yingshangban", PASSWORD)
    page.goto(f"{live_server.url}/supervision/rankings/")
    page.click("[data-testid=last-month-ranking]")
    assert "已冻结" in page.inner_text("[data-testid=ranking-status]")
    assert "综合得分" in page.inner_text("[data-testid=formula]")
    rows = page.locator("[data-testid=ranking-row]")
    assert rows.count() == 2
    assert rows.nth(0).get_attribute("data-unit") == "沭阳县人民政府"

    page.click("[data-testid=to-notices]")
    page.select_option("#kind", "hotline")
    page.fill("#nmonth", day)
    page.click("[data-testid=notice-create]")
    page.click("[data-testid=notice-review]")
    page.click("[data-testid=notice-issue]")
    number = page.inner_text("[data-testid=doc-number]").strip()
    assert number == f"宿营商办发〔{today.year}〕1号"
    with page.expect_download() as info:
        page.click("[data-testid=notice-download]")
    target = tmp_path / "notice.docx"
    info.value.save_as(str(target))
    document = Document(str(target))
    section = document.sections[0]
    assert (_mm(section.top_margin), _mm(section.left_margin)) == (37.0, 28.0)
    assert _mm(section.page_width) - _mm(section.left_margin) - _mm(section.right_margin) == 156.0
    assert {"方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312"} <= _east_asian_fonts(document)
    assert number in "\n".join(p.text for p in document.paragraphs)

    # 沭阳 submits its ledger in time.
    page.context.clear_cookies()
    log_in(page, live_server.url, "handler_sy", PASSWORD)
    page.goto(f"{live_server.url}/supervision/ledgers/")
    page.click("[data-testid=ledger-row] a")
    page.fill("#n-cases", "上月诉求均已按期办理")
    page.click("[data-testid=ledger-submit]")
    assert "已报送" in page.inner_text("[data-testid=ledger-status]")
    assert "逾期" not in page.inner_text("[data-testid=ledger-status]")
    assert Ledger.objects.get(unit=world.shuyang_gov).status == LedgerStatus.SUBMITTED

    # 营商办 sees who is late.
    page.context.clear_cookies()
    log_in(page, live_server.url, "yingshangban", PASSWORD)
    page.goto(f"{live_server.url}/supervision/ledgers/")
    on_time = page.locator("[data-testid=ledger-row][data-unit=沭阳县人民政府]")
    late = page.locator("[data-testid=ledger-row][data-unit=宿迁市行政审批局]")
    assert on_time.get_attribute("data-late") == "0"
    assert late.get_attribute("data-late") == "1"
    assert "逾期" in late.inner_text()

    # The frozen month's drill-down lists the cases kept with the snapshot.
    page.goto(f"{live_server.url}/supervision/rankings/{year}/{month}/units/{world.shuyang_gov.pk}/total/")
    assert "冻结快照" in page.inner_text("[data-testid=drill-snapshot]")

    # The dashboard answers at once while its summaries are prepared in the background, then
    # reloads itself when they exist and draws its charts (vendored ECharts, no internet needed).
    queued: list[Any] = []
    monkeypatch.setattr(dashboard, "_enqueue", queued.append)
    page.goto(f"{live_server.url}/supervision/dashboard/?month={day}")
    assert "数据准备中" in page.inner_text("[data-testid=dashboard-progress]")
    assert len(queued) == 1
    dashboard_counts.build_months(queued[0])
    page.wait_for_selector("[data-testid=dashboard-progress]", state="detached", timeout=15000)
    page.wait_for_selector("#chart-channel canvas")
    with page.expect_download() as png:
        page.click("[data-png=channel]")
    assert png.value.suggested_filename.endswith(".png")
