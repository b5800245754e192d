"""Monthly figures (pure function, page, .xlsx, API) and the remaining pages."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
import time_machine
from django.test import Client

from bangban.ratings import actions
from bangban.ratings.figures import monthly_bad_ratings, unit_month_figures
from bangban.ratings.models import RatingSettings
from bangban.workdays.arithmetic import SHANGHAI

pytestmark = pytest.mark.django_db
T = dt.datetime(2026, 10, 13, 10, 0, tzinfo=SHANGHAI)


def _setup(cases: Any) -> None:
    with time_machine.travel(T, tick=False):
        good = cases.replied(now=T)
        bad = cases.replied(now=T)
        cases.replied(now=T)  # answered, never followed up or rated
        # The enterprise's rating of an answered case is also its follow-up (回访).
        actions.rate_case(
            acting_user=cases.enterprise_user,
            ticket_id=good.pk,
            data=actions.RatingInput(level=1),
            resolved=True,
        )
        actions.rate_case(
            acting_user=cases.enterprise_user,
            ticket_id=bad.pk,
            data=actions.RatingInput(level=5),
            resolved=False,
        )


def test_unit_month_figures(cases: Any) -> None:
    _setup(cases)
    figures = unit_month_figures(2026, 10)
    f = figures[cases.shuyang_gov.pk]
    assert (f["answered"], f["followed_up"], f["ratings"], f["satisfied"], f["bad"]) == (3, 2, 2, 1, 1)
    assert f["follow_up_rate"] == 66.7 and f["satisfaction_rate"] == 50.0 and f["bad_rate"] == 50.0
    assert f["rectifications"] == 1 and f["rectification_rate"] == 0.0 and f["proactive_rate"] == 100.0
    assert unit_month_figures(2026, 9) == {}
    assert monthly_bad_ratings(2026, 10).count() == 1


def test_figures_page_export_and_api(cases: Any) -> None:
    _setup(cases)
    c = Client()
    c.force_login(cases.biz_office)
    page = c.get("/ratings/figures/?month=2026-10")
    assert (
        page.status_code == 200
        and "沭阳县人民政府" in page.content.decode()
        and "66.7" in page.content.decode()
    )
    x = c.get("/ratings/figures/?month=2026-10&format=xlsx")
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(x.streaming_content)))  # type: ignore[attr-defined]
    rows = list(wb["月度统计"].iter_rows(values_only=True))
    assert (
        rows[0][:5] == ("单位", "答复件数", "已回访", "回访率", "满意率") and rows[1][0] == "沭阳县人民政府"
    )
    assert len(list(wb["差评清单"].iter_rows(values_only=True))) == 2
    api = c.get("/api/v1/ratings/figures?year=2026&month=10").json()
    assert api["units"][0]["bad"] == 1 and len(api["bad_ratings"]) == 1
    assert c.get("/ratings/figures/?month=2026-13").status_code == 400
    handler = Client()
    handler.force_login(cases.handler_shuyang)
    assert handler.get("/ratings/figures/").status_code == 404
    head = Client()
    head.force_login(cases.head_siyang)
    assert "沭阳县人民政府" not in head.get("/ratings/figures/?month=2026-10").content.decode()


def test_index_case_panel_and_pc_page(cases: Any) -> None:
    ticket = cases.replied()
    ent = Client()
    ent.force_login(cases.enterprise_user)
    detail = ent.get(f"/cases/{ticket.pk}/")
    assert detail.status_code == 200 and 'data-testid="case-rating-panel"' in detail.content.decode()
    r = ent.post(
        f"/ratings/cases/{ticket.pk}/",
        {"level": "2", "resolved": "1", "score_attitude": "1", "comment": "满意"},
    )
    assert r.status_code == 302
    assert "追评" in ent.get(f"/ratings/cases/{ticket.pk}/").content.decode()
    office = Client()
    office.force_login(cases.biz_office)
    listing = office.get("/ratings/?channel=pc")
    assert listing.status_code == 200 and ticket.number in listing.content.decode()
    assert office.get("/api/v1/ratings/ratings?bad=true").json()["count"] == 0
    # Staff see the rating and who may rate; there is no QR code to hand out any more.
    staff = office.get(f"/ratings/cases/{ticket.pk}/").content.decode()
    assert (
        'data-testid="who-rates"' in staff
        and "qr.png" not in staff
        and 'data-testid="rate-form"' not in staff
    )


def test_windows_devices_and_settings_pages(cases: Any, site: Any) -> None:
    c = Client()
    c.force_login(cases.biz_office)
    assert (
        c.post(
            "/ratings/windows/", {"op": "window", "site": site.pk, "code": "B02", "name": "不动产窗口"}
        ).status_code
        == 302
    )
    dup = c.post("/ratings/windows/", {"op": "window", "site": site.pk, "code": "B02", "name": "x"})
    assert dup.status_code == 409 and "已有编号为“B02”的窗口" in dup.content.decode()
    r = c.post("/ratings/windows/", {"op": "device", "site": site.pk, "name": "大厅评价器"})
    assert r.status_code == 200 and 'data-testid="raw-key"' in r.content.decode()
    assert c.post("/ratings/windows/", {"op": "settings", "max_reopens": "3"}).status_code == 302
    assert RatingSettings.objects.get().max_reopens == 3
    bad = c.post("/ratings/windows/", {"op": "settings", "recheck_percent": "0"})
    assert bad.status_code == 400 and "回头看抽样比例" in bad.content.decode()
    handler = Client()
    handler.force_login(cases.handler_siyang)
    r = handler.post("/ratings/windows/", {"op": "window", "site": site.pk, "code": "C1", "name": "x"})
    assert r.status_code == 403
    api = handler.post(
        "/api/v1/ratings/devices", {"site_id": site.pk, "name": "x"}, content_type="application/json"
    )
    assert api.status_code == 403 and api.json()["code"] == "permission_denied"
