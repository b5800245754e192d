"""作风监督“随手拍” on a phone, in a real browser (R7.3): a visitor confirms a number with the code
read on the demo SMS page, picks a category, attaches a photo and gets a tracking code; 作风办
verifies it against the unit, finds it true, concludes and publishes it on the 曝光台 — which shows
the summary and nothing of the visitor.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from bangban.conduct.models import ConductComplaint, SnapStatus
from bangban.conduct.tests.conftest import cast  # noqa: F401
from bangban.conduct.tests.snap_helpers import JPEG
from bangban.conftest import PASSWORD, _fresh_workday_calendar, login, world  # noqa: F401

from .conftest import log_in, pick_unit

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = "13912347777"


def test_a_snap_on_a_phone_is_handled_to_the_exposure_board(
    live_server: Any,
    page: Any,
    phone_page: Any,
    cast: Any,  # noqa: F811
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.BANGBAN_DEMO = True
    base = live_server.url
    phone = phone_page

    # 1. The public page, phone-sized: confirm the number with the code the demo SMS page shows.
    phone.goto(f"{base}/conduct/snap/")
    assert "随手拍" in phone.inner_text("h1")
    phone.fill("[data-testid=field-phone]", PHONE)
    phone.check("[data-testid=field-privacy-consent]")
    phone.click("[data-testid=send-code]")
    phone.wait_for_selector("[data-testid=code-sent]")
    with phone.context.expect_page() as opened:
        phone.click("[data-testid=demo-sms-link]")
    sms = opened.value
    sms.wait_for_selector("[data-testid=demo-sms-message]")
    found = re.search(r"验证码为 (\d{6})", sms.locator("[data-testid=demo-sms-text]").first.inner_text())
    assert found is not None
    sms.close()
    phone.fill("[data-testid=field-code]", "000000")
    phone.click("[data-testid=verify]")
    assert "验证码不正确" in phone.inner_text("[data-testid=error-code]")
    phone.fill("[data-testid=field-code]", found.group(1))
    phone.click("[data-testid=verify]")
    phone.wait_for_selector("[data-testid=snap-form]")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    # 2. No category: a clear message; then the report with a photo.
    phone.fill("[data-testid=field-content]", "在政务中心办理竣工验收，两个窗口互相推诿，跑了四趟。")
    photo = tmp_path / "窗口.jpg"
    photo.write_bytes(JPEG)
    phone.set_input_files("[data-testid=field-files]", str(photo))
    phone.click("[data-testid=submit]")
    assert "请选择问题类型" in phone.inner_text("[data-testid=error-category]")
    phone.check("[data-testid=category-buck_passing]")
    phone.set_input_files("[data-testid=field-files]", str(photo))
    phone.click("[data-testid=submit]")
    phone.wait_for_selector("[data-testid=tracking-code]")
    complaint = ConductComplaint.objects.get()
    code = phone.inner_text("[data-testid=tracking-code]").strip()
    assert code == complaint.ticket.number and complaint.ticket.attachments.count() == 1
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    # 3. 作风办 verifies it against 沭阳县政府, finds it true, concludes and publishes it.
    log_in(page, base, cast.zuofeng.username, PASSWORD)
    page.goto(f"{base}/conduct/snaps/")
    page.click("[data-testid=snap-row]")
    assert PHONE in page.inner_text("[data-testid=complainant]")
    pick_unit(page, "id_unit", cast.world.shuyang_gov.name[:3], cast.world.shuyang_gov.name)
    page.click("[data-testid=do-verify]")
    page.fill("[data-testid=field-finding]", "调阅办件记录并询问窗口人员，属实。")
    page.click("[data-testid=do-investigate]")
    page.fill("[data-testid=field-penalty]", "对两名窗口负责人诫勉谈话。")
    page.click("[data-testid=do-conclude]")
    page.fill("[data-testid=field-public-title]", "政务中心竣工验收窗口相互推诿被问责")
    page.fill(
        "[data-testid=field-public-summary]", "经查，两个窗口相互推诿致企业多次往返，已对负责人诫勉谈话。"
    )
    page.click("[data-testid=do-publish]")
    assert "已曝光" in page.inner_text("[data-testid=snap-status]")
    complaint.refresh_from_db()
    assert complaint.status == SnapStatus.FOUNDED and complaint.published

    # 4. The visitor follows it with the code, and the 曝光台 shows the case without him.
    phone.click("[data-testid=track-link]")
    assert "已办结（属实）" in phone.inner_text("[data-testid=track-status]")
    phone.goto(f"{base}/conduct/snap/board/")
    board = phone.inner_text("[data-testid=board]")
    assert "政务中心竣工验收窗口相互推诿被问责" in board and PHONE not in board and "7777" not in board
