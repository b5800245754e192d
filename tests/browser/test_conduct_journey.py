"""An official scans an enterprise's gate code on a phone and registers the entry (R7.2), in a real
browser.

The enterprise prints its gate code; an inspector of another county opens the code's address on a
phone-sized screen, forgets the task number of his inspection (a clear Chinese error), registers,
and taps 离开 when he leaves. The enterprise then sees the entry and reports it as improper, citing
the 负面清单.
"""

from __future__ import annotations

from typing import Any

import pytest

from bangban.conduct.models import Entry, Presence, Response
from bangban.conduct.tests.conftest import cast  # noqa: F401
from bangban.conftest import PASSWORD, _fresh_workday_calendar, login, world  # noqa: F401

from .conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_gate_scan_on_a_phone_registers_the_entry_and_the_enterprise_reports_it(
    live_server: Any,
    page: Any,
    phone_page: Any,
    cast: Any,  # noqa: F811
) -> None:
    base = live_server.url
    w = cast.world

    # 1. The enterprise opens its gate code page (the address the printed QR code carries).
    log_in(page, base, w.enterprise_user.username, PASSWORD)
    page.goto(f"{base}/conduct/gate/")
    assert page.locator("[data-testid=gate-qr] svg").count() == 1
    address = page.inner_text("[data-testid=gate-url]").strip()
    path = address[address.index("/conduct/g/") :]

    # 2. The inspector of 泗阳 scans it on his phone: one page, the enterprise already named.
    phone = phone_page
    log_in(phone, base, cast.inspector_siyang.username, PASSWORD)
    phone.goto(f"{base}{path}")
    assert phone.inner_text("[data-testid=gate-enterprise]").strip() == w.ent_shuyang.name
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.click("[data-testid=purpose-inspection]")
    phone.fill("[data-testid=field-description]", "锅炉压力容器安全检查")
    phone.fill("[data-testid=field-legal-basis]", "《特种设备安全法》第五十七条")
    phone.click("[data-testid=register]")
    assert "检查任务编号" in phone.inner_text("[data-testid=error-task_number]")
    phone.fill("[data-testid=field-task-number]", "SQ-SJ-2026-031")
    phone.click("[data-testid=register]")
    phone.wait_for_selector("[data-testid=entry-detail]")
    entry = Entry.objects.get()
    assert entry.via_gate and entry.unit_id == w.siyang_gov.pk and entry.task_number == "SQ-SJ-2026-031"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    # 3. Leaving records the time out.
    phone.click("[data-testid=leave]")
    phone.wait_for_selector("[data-testid=entry-detail]")
    assert "尚在企业" not in phone.inner_text("[data-testid=left-at]")
    entry.refresh_from_db()
    assert entry.presence == Presence.LEFT and entry.left_at is not None

    # 4. The enterprise sees the entry and reports it as improper, citing the 负面清单.
    page.goto(f"{base}/conduct/")
    page.click("[data-testid=entry-row]")
    page.select_option("[data-testid=field-item]", str(cast.items["FM-03"].pk))
    page.fill("[data-testid=field-note]", "要求停产两小时迎检")
    page.click("[data-testid=report]")
    page.wait_for_selector("[data-testid=response]")
    assert "企业反映不当" in page.inner_text("[data-testid=response]")
    entry.refresh_from_db()
    assert entry.response == Response.REPORTED and entry.breached_item_id == cast.items["FM-03"].pk
