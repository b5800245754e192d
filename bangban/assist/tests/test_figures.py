"""The month's figures: recomputed here from the raw rows and compared with what the figures module,
the API, the page and the Excel export answer; the rating given through a record's link counts."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from bangban.assist import figures
from bangban.assist.models import Errand, RecordRating, ServiceRecord, Site
from bangban.ratings.models import Rating

from .conftest import API, Cast, errand, record

pytestmark = pytest.mark.django_db


def recompute(month: figures.Month) -> dict[int, dict[str, Any]]:
    """The figures straight from the rows, in Python."""
    start, end = month.bounds()
    result = {}
    for site in Site.objects.all():
        services = [r for r in ServiceRecord.objects.filter(site=site) if start <= r.started_at < end]
        done = [
            e
            for e in Errand.objects.filter(site=site, status="done")
            if e.closed_at is not None and start <= e.closed_at < end
        ]
        ratings = [
            link.rating for link in RecordRating.objects.filter(record__site=site).select_related("rating", "record")
            if start <= link.record.started_at < end and link.rating.voided_at is None
        ]  # fmt: skip
        result[site.pk] = {
            "services": len(services),
            "accompany": sum(1 for r in services if r.service_type == "accompany"),
            "minutes": sum(r.minutes for r in services),
            "opened": sum(1 for e in Errand.objects.filter(site=site) if start <= e.opened_at < end),
            "done": len(done),
            "on_time": sum(1 for e in done if e.closed_at and timezone.localdate(e.closed_at) <= e.due_on),
            "rated": len(ratings),
            "average": round(sum(6 - r.level for r in ratings) / len(ratings), 2) if ratings else None,
        }
    return result


def rate(client: Any, service: ServiceRecord, level: int) -> Any:
    return client.post(f"/assist/r/{service.rating_key}/", {"level": level, "comment": "很好"})


def test_the_figures_match_the_rows_and_every_output(cast: Cast, login: Any, client: Any) -> None:
    first = record(cast, minutes_ago=300, length=45)
    second = record(cast, minutes_ago=200, length=20, service_type="consult", matter="咨询")
    record(
        cast,
        minutes_ago=100,
        length=10,
        service_type="guide",
        matter="导办",
        enterprise_id=None,
        enterprise_name="未登记企业",
    )
    assert rate(client, first, 1).status_code == 200
    assert rate(client, second, 4).status_code == 200
    Rating.objects.filter(pk=RecordRating.objects.get(record=second).rating_id).update(voided_at=cast.now)
    item = errand(cast)
    officer = login(cast.officer)
    for path in ("start", "request-confirmation"):
        officer.post(f"{API}/errands/{item.pk}/{path}", {}, content_type="application/json")
    officer.post(
        f"{API}/errands/{item.pk}/close",
        {"paper_signed": True, "note": "纸质签收"},
        content_type="application/json",
    )
    errand(cast, matter="另一件")

    month = figures.Month.of(cast.now)
    expected = recompute(month)[cast.site.pk]
    rows = {r.key: r for r in figures.site_rows(Site.objects.all(), month)}
    row = rows[str(cast.site.pk)]
    assert expected["services"] == row.services and expected["minutes"] == row.minutes
    assert expected["accompany"] == row.by_type["accompany"]
    assert (
        (expected["opened"], expected["done"], expected["on_time"])
        == (row.opened, row.done, row.on_time)
        == (2, 1, 1)
    )
    assert (expected["rated"], expected["average"]) == (row.rated, row.average_score) == (1, 5.0)

    answer = login(cast.world.biz_office).get(f"{API}/figures?month={month}").json()
    county = next(r for r in answer["levels"] if r["key"] == "county")
    assert county["services"] == 3 and county["type_accompany"] == 1 and county["average_score"] == 5.0
    assert next(r for r in answer["levels"] if r["key"] == "total")["errands_done"] == 1

    page = login(cast.world.biz_office).get(f"/assist/figures/?month={month}").content.decode()
    assert f'data-key="{cast.site.pk}"' in page and "5.0（1 条）" in page
    export = login(cast.world.biz_office).get(f"/assist/figures/export.xlsx?month={month}")
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    lines = {r[0]: r for r in sheet.iter_rows(values_only=True)}
    assert (
        lines["县级"][6] == 3
        and lines["沭阳县帮办代办窗口"][7] == 75
        and lines["沭阳县帮办代办窗口"][13] == 5
    )


def test_a_county_sees_only_its_sites_in_the_figures(cast: Cast, login: Any) -> None:
    answer = login(cast.world.handler_siyang).get(f"{API}/figures").json()
    assert {r["label"] for r in answer["sites"]} == {"泗阳县帮办代办窗口"}
    assert login(cast.world.enterprise_user).get(f"{API}/figures").status_code == 404
    assert login(cast.world.biz_office).get(f"{API}/figures?month=2026-13").json()["code"] == "invalid_month"


def test_the_rating_link_rates_once_and_shows_on_the_record(cast: Cast, login: Any, client: Any) -> None:
    service = record(cast)
    page = client.get(f"/assist/r/{service.rating_key}/")
    assert page.status_code == 200 and "帮办服务评价" in page.content.decode()
    assert client.post(f"/assist/r/{service.rating_key}/", {}).status_code == 400
    done = rate(client, service, 2)
    assert 'data-testid="rated"' in done.content.decode()
    link = RecordRating.objects.get(record=service)
    assert (
        link.rating.level == 2
        and link.rating.channel == "qr"
        and link.rating.subject.event_ref == f"帮办服务-{service.pk}"
    )
    assert link.rating.unit_id == cast.world.shuyang_gov.pk
    rate(client, service, 5)
    assert RecordRating.objects.count() == 1 and Rating.objects.count() == 1
    detail = login(cast.officer).get(f"/assist/records/{service.pk}/").content.decode()
    assert "满意" in detail and 'data-testid="rating-qr"' not in detail
    assert login(cast.officer).get(f"{API}/records/{service.pk}").json()["rating_level"] == 2
    assert client.get("/assist/r/nope/").status_code == 404


def test_a_bad_rating_opens_a_rectification(cast: Cast, client: Any) -> None:
    service = record(cast)
    rate(client, service, 5)
    rating = RecordRating.objects.get(record=service).rating
    assert rating.is_bad and hasattr(rating, "rectification")


def test_months_before_and_after(cast: Cast) -> None:
    record(cast)
    month = figures.Month.of(cast.now)
    earlier = month.previous()
    rows = figures.level_rows(figures.site_rows(Site.objects.all(), earlier))
    assert rows[-1].services == 0 and rows[-1].average_score is None
    assert figures.Month.parse("", month) == month and str(figures.Month(2026, 1).previous()) == "2025-12"
    start, end = figures.Month(2026, 12).bounds()
    assert (end - start) == dt.timedelta(days=31)
