"""帮办代办 (R2.1) in a real browser: a 帮办代办员 of 沭阳's county site records a 全程帮办 service for
an enterprise, the record shows the QR code / link for the enterprise's rating, the service becomes a
代办 with a material handed over and returned; closing it before the enterprise confirms is refused;
the enterprise's user confirms it on its own page and the 代办 is 办结."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from bangban.assist.models import Errand, ServiceRecord
from bangban.assist.tests.conftest import cast  # noqa: F401
from bangban.conftest import PASSWORD, _fresh_workday_calendar, login, world  # noqa: F401

from .conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_officer_records_a_service_opens_a_daiban_and_the_enterprise_confirms(
    live_server: Any,
    page: Any,
    cast: Any,  # noqa: F811
) -> None:
    base = live_server.url
    log_in(page, base, cast.officer.username, PASSWORD)

    # 1. The officer records a 全程帮办 service (the form's times default to the last half hour).
    page.goto(f"{base}/assist/")
    page.click("[data-testid=new-record]")
    page.select_option("[data-testid=field-type]", "accompany")
    page.fill("[data-testid=field-enterprise]", cast.world.ent_shuyang.name)
    page.fill("[data-testid=field-matter]", "工程建设项目施工许可全程帮办")
    page.click("[data-testid=submit]")
    page.wait_for_selector("[data-testid=record-detail]")
    service = ServiceRecord.objects.get()
    assert service.service_type == "accompany" and service.enterprise == cast.world.ent_shuyang
    assert f"/assist/r/{service.rating_key}/" in page.inner_text("[data-testid=rating-link]")
    qr = page.locator("[data-testid=rating-qr] img")
    # The QR code is an image of its own: wait until the browser has loaded it, then check it drew.
    qr.evaluate("img => img.complete || new Promise(done => img.addEventListener('load', done))")
    assert qr.evaluate("img => img.naturalWidth") > 0

    # 2. Recording the same again is refused with the reason.
    page.goto(f"{base}/assist/records/new/")
    page.select_option("[data-testid=field-type]", "accompany")
    page.fill("[data-testid=field-enterprise]", cast.world.ent_shuyang.name)
    page.fill("[data-testid=field-matter]", "工程建设项目施工许可全程帮办")
    page.click("[data-testid=submit]")
    assert "时间不能重叠" in page.inner_text("[data-testid=form-error]") or "重复登记" in page.inner_text(
        "[data-testid=form-error]"
    )

    # 3. The service becomes a 代办: start, a material in and back, ask the enterprise to confirm.
    page.goto(f"{base}/assist/records/{service.pk}/")
    due = timezone.localdate() + dt.timedelta(days=5)
    page.fill("[data-testid=field-due]", due.isoformat())
    page.click("[data-testid=open-errand-submit]")
    page.wait_for_selector("[data-testid=errand-detail]")
    assert page.inner_text("[data-testid=errand-status]") == "受理"
    page.click("[data-testid=start]")
    page.fill("[data-testid=material-name]", "施工图设计文件审查合格书")
    page.click("[data-testid=material-submit]")
    page.fill("[data-testid=step-text]", "已向住建局提交施工许可申请")
    page.click("[data-testid=step-submit]")
    errand = Errand.objects.get()
    page.click(f"[data-testid=return-{errand.handovers.get().pk}]")
    page.click("[data-testid=request]")
    assert page.inner_text("[data-testid=errand-status]") == "待企业确认"

    # 4. Closing without the enterprise's confirmation is refused.
    page.click("details summary")
    page.click("[data-testid=close]")
    assert "企业尚未确认办结" in page.inner_text(".alert")
    assert Errand.objects.get().status == "awaiting"

    # 5. The enterprise's user confirms on its own page: 办结.
    page.context.clear_cookies()
    log_in(page, base, cast.world.enterprise_user.username, PASSWORD)
    page.goto(f"{base}/assist/")
    page.click(f"text={errand.number}")
    page.click("[data-testid=confirm]")
    assert page.inner_text("[data-testid=errand-status]") == "办结"
    assert "企业在线确认" in page.inner_text("[data-testid=errand-confirmation]")
    assert Errand.objects.get().status == "done"
