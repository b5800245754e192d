"""Officer oversight in a real browser (R3, R4, R15): 营商办 sees a promoted enterprise whose county
officer no longer fits as a coverage gap (职级不符), then last month's frozen ranking with the units'
帮办履职率 and the officer far behind."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from bangban.conftest import PASSWORD
from bangban.enterprises.models import Enterprise, Tier
from bangban.network.models import Assignment, Contact, ContactKind
from bangban.network.tests.conftest import net  # noqa: F401 (the service network's cast)
from bangban.supervision import actions
from bangban.supervision.figures import previous_month

from .conftest import log_in


def test_coverage_gap_and_officer_ranking(net: Any, live_server: Any, page: Any) -> None:  # noqa: F811
    today = timezone.localdate()
    year, month = previous_month(today.year, today.month)
    before = previous_month(year, month)
    earlier = previous_month(*before)
    admin = net.world.admin
    Assignment.objects.create(
        officer=net.county_officer,
        enterprise=net.county_key,
        started_on=dt.date(*earlier, 1),
        created_by=admin,
    )
    Assignment.objects.create(
        officer=net.city_officer, enterprise=net.top100, started_on=dt.date(*earlier, 1), created_by=admin
    )
    # 陆晓东 called only two months before last month; 沈卫国 called last month.
    Contact.objects.create(officer=net.county_officer, enterprise=net.county_key, kind=ContactKind.PHONE,
                           contact_on=dt.date(*earlier, 10), summary="电话")  # fmt: skip
    Contact.objects.create(officer=net.city_officer, enterprise=net.top100, kind=ContactKind.PHONE,
                           contact_on=dt.date(year, month, 10), summary="电话")  # fmt: skip
    Enterprise.objects.filter(pk=net.county_key.pk).update(tier=Tier.CITY_TOP100)
    actions.do_freeze_ranking(net.world.biz_office, year, month)

    log_in(page, live_server.url, "yingshangban", PASSWORD)
    page.goto(f"{live_server.url}/network/coverage/")
    gap = page.locator("[data-testid=uncovered-row][data-reason=officer_not_city_level]")
    assert gap.count() == 1 and net.county_key.name in gap.inner_text()
    assert "职级不符" in gap.locator("[data-testid=gap-reason]").inner_text()
    assert page.inner_text("[data-testid=mismatched-count]") == "1"

    page.goto(f"{live_server.url}/supervision/rankings/{year}/{month}/")
    rows = page.locator("[data-testid=officer-unit-row]")
    assert rows.count() == 2
    assert rows.nth(0).get_attribute("data-unit") == "宿迁市工业和信息化局"
    assert rows.nth(0).locator("[data-testid=duty-rate]").inner_text() == "100.0%"
    assert "陆晓东（沭阳县工业和信息化局）" in page.inner_text("[data-testid=officers-far-behind]")
