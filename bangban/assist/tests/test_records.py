"""Service records through the API and the pages: who may record, and every bad input refused with
a clear Chinese message and a stable code (duplicate, overlapping, end before start, future)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from bangban.assist.models import ServiceRecord
from bangban.audit.models import AuditEvent

from .conftest import API, Cast, record, record_body

pytestmark = pytest.mark.django_db


def test_an_officer_records_a_service_and_gets_its_rating_link(cast: Cast, login: Any) -> None:
    client = login(cast.officer)
    response = client.post(f"{API}/records", record_body(cast), content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["minutes"] == 30 and body["enterprise_name"] == "沭阳示例纺织有限公司"
    service = ServiceRecord.objects.get()
    assert body["rating_url"].endswith(f"/assist/r/{service.rating_key}/") and body["rating_level"] is None
    assert AuditEvent.objects.filter(action="assist.record_create", object_id=str(service.pk)).count() == 1


def test_an_enterprise_not_registered_is_named_in_free_text(cast: Cast, login: Any) -> None:
    body = record_body(cast, enterprise_id=None, enterprise_name="宿迁某某筹建公司")
    response = login(cast.officer).post(f"{API}/records", body, content_type="application/json")
    assert response.status_code == 201
    assert (
        response.json()["enterprise_id"] is None and response.json()["enterprise_name"] == "宿迁某某筹建公司"
    )


@pytest.mark.parametrize(
    ("overrides", "status", "code", "words"),
    [
        ({"service_type": "chat"}, 400, "invalid_service_type", "服务类型"),
        ({"enterprise_id": None}, 400, "enterprise_required", "请选择企业"),
        ({"enterprise_id": 999999}, 400, "enterprise_not_found", "不在您的管辖范围"),
        ({"matter": " "}, 400, "matter_required", "请填写事项"),
        ({"outcome": "transferred"}, 400, "outcome_note_required", "转办须写明"),
        ({"outcome": "maybe"}, 400, "invalid_outcome", "结果应为"),
    ],
)
def test_bad_input_is_refused_with_its_code(
    cast: Cast, login: Any, overrides: dict[str, Any], status: int, code: str, words: str
) -> None:
    response = login(cast.officer).post(
        f"{API}/records", record_body(cast, **overrides), content_type="application/json"
    )
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert words in response.json()["message"]
    assert not ServiceRecord.objects.exists()


def test_the_end_before_the_start_is_refused(cast: Cast, login: Any) -> None:
    body = record_body(cast)
    body["ended_at"], body["started_at"] = body["started_at"], body["ended_at"]
    response = login(cast.officer).post(f"{API}/records", body, content_type="application/json")
    assert response.json() == {
        "code": "end_before_start",
        "message": "结束时间应晚于开始时间",
        "details": {"field": "ended_at"},
    }


def test_a_time_in_the_future_is_refused(cast: Cast, login: Any) -> None:
    body = record_body(cast, minutes_ago=-60)
    response = login(cast.officer).post(f"{API}/records", body, content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (400, "time_in_future")
    assert "不能晚于现在" in response.json()["message"]


def test_the_same_service_twice_within_minutes_is_a_duplicate(cast: Cast, login: Any) -> None:
    record(cast, minutes_ago=60, length=5)
    # Not overlapping (starts after the first ended) but the same enterprise and matter 6 minutes later.
    response = login(cast.officer).post(
        f"{API}/records", record_body(cast, minutes_ago=54, length=5), content_type="application/json"
    )
    assert (response.status_code, response.json()["code"]) == (409, "record_duplicate")
    assert "请勿重复登记" in response.json()["message"]
    assert ServiceRecord.objects.count() == 1


def test_overlapping_services_of_one_officer_are_refused(cast: Cast, login: Any) -> None:
    record(cast, minutes_ago=60, length=30)
    body = record_body(
        cast, minutes_ago=45, length=30, matter="另一事项", enterprise_id=None, enterprise_name="别家企业"
    )
    response = login(cast.officer).post(f"{API}/records", body, content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (409, "record_overlaps")
    assert "时间不能重叠" in response.json()["message"]
    # Right after the first one ends is fine.
    later = record_body(
        cast, minutes_ago=30, length=10, matter="另一事项", enterprise_id=None, enterprise_name="别家企业"
    )
    assert (
        login(cast.officer).post(f"{API}/records", later, content_type="application/json").status_code == 201
    )


def test_only_the_sites_officers_record_and_others_do_not_see_it(cast: Cast, login: Any) -> None:
    w = cast.world
    # Another county's officer: the site is not even visible.
    assert (
        login(cast.officer_siyang)
        .post(f"{API}/records", record_body(cast), content_type="application/json")
        .status_code
        == 404
    )
    # A handler of 沭阳 sees the county's site but is not on its roster.
    response = login(w.handler_shuyang).post(
        f"{API}/records", record_body(cast), content_type="application/json"
    )
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")
    service = record(cast)
    assert login(cast.officer_siyang).get(f"{API}/records/{service.pk}").status_code == 404
    assert login(w.handler_siyang).get(f"/assist/records/{service.pk}/").status_code == 404
    assert login(w.handler_shuyang).get(f"{API}/records/{service.pk}").status_code == 200
    assert login(w.biz_office).get(f"{API}/records/{service.pk}").status_code == 200
    assert login(w.enterprise_user).get(f"{API}/records/{service.pk}").status_code == 404
    listed = login(cast.officer_siyang).get(f"{API}/records").json()
    assert listed["count"] == 0


def test_the_page_records_a_service_and_shows_the_rating_qr(cast: Cast, login: Any) -> None:
    client = login(cast.officer)
    form = client.get("/assist/records/new/")
    assert form.status_code == 200 and "登记帮办服务" in form.content.decode()
    start = (cast.now - dt.timedelta(hours=1)).astimezone(dt.timezone(dt.timedelta(hours=8)))
    fields = {
        "site": cast.site.pk, "service_type": "accompany", "enterprise": cast.world.ent_shuyang.uscc,
        "matter": "施工许可全程帮办", "started_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ended_at": (start + dt.timedelta(minutes=40)).strftime("%Y-%m-%dT%H:%M"), "outcome": "done",
    }  # fmt: skip
    response = client.post("/assist/records/new/", fields, follow=True)
    page = response.content.decode()
    service = ServiceRecord.objects.get()
    assert service.enterprise == cast.world.ent_shuyang and service.minutes == 40
    assert 'data-testid="rating-qr"' in page and f"/assist/r/{service.rating_key}/" in page
    qr = client.get(f"/assist/records/{service.pk}/qr.png")
    assert qr.status_code == 200 and qr["Content-Type"] == "image/png"
    # The same again: the form shows the duplicate refusal and keeps what was typed.
    again = client.post("/assist/records/new/", fields)
    assert again.status_code == 409 and "请勿重复登记" in again.content.decode()
    assert "施工许可全程帮办" in again.content.decode()


def test_the_page_refuses_the_end_before_the_start(cast: Cast, login: Any) -> None:
    start = timezone.localtime() - dt.timedelta(hours=3)
    fields = {
        "site": cast.site.pk, "service_type": "consult", "enterprise": "一家未登记企业", "matter": "咨询",
        "started_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ended_at": (start - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"), "outcome": "done",
    }  # fmt: skip
    response = login(cast.officer).post("/assist/records/new/", fields)
    assert response.status_code == 400 and "结束时间应晚于开始时间" in response.content.decode()


def test_someone_off_the_roster_has_no_record_form(cast: Cast, login: Any) -> None:
    assert login(cast.world.handler_shuyang).get("/assist/records/new/").status_code == 404


def test_the_ledger_lists_searches_and_exports(cast: Cast, login: Any) -> None:
    record(cast)
    record(
        cast,
        minutes_ago=200,
        service_type="consult",
        matter="政策咨询",
        enterprise_id=None,
        enterprise_name="咨询企业",
    )
    client = login(cast.world.biz_office)
    page = client.get("/assist/?q=政策").content.decode()
    assert "咨询企业" in page and "食品经营许可证新办" not in page
    assert "没有符合条件" in client.get("/assist/?q=不存在的事项").content.decode()
    export = client.get("/assist/records/export.xlsx?type=accompany")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "站点" and len(rows) == 2 and rows[1][3] == "全程帮办"
    assert AuditEvent.objects.filter(action="assist.export").count() == 1
    assert client.get("/assist/?type=nope").status_code == 400
