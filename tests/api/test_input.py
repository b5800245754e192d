"""Input no field may hold — NUL bytes and lone surrogates — is refused with 400 at every door
(query strings, forms, JSON bodies; API and pages), before it can reach the database; a year or a
month out of range is refused with 422 `validation_error` before any date arithmetic. Every refusal
carries a code the operation documents."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from bangban.core.input_guard import CODE

from .contract import assert_documented

LISTS = [
    "/api/v1/cases",
    "/api/v1/enterprises",
    "/api/v1/escalation/cases",
    "/api/v1/org/units",
    "/api/v1/org/regions",
]
PAGES = ["/cases/", "/enterprises/", "/escalation/cases/", "/accounts/users/", "/org/units/"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("value", ["\x00", "abc\x00def"])
def test_a_nul_byte_in_an_api_query_is_a_400(
    world: Any, login: Any, document: dict[str, Any], path: str, value: str
) -> None:
    response = login(world.biz_office).get(path, {"q": value})
    assert response.status_code == 400
    assert response.json() == {"code": CODE, "message": response.json()["message"]}
    assert "空字符" in response.json()["message"]
    assert_documented(document, "get", path, response)


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_a_nul_byte_in_a_page_query_is_a_400_page(world: Any, login: Any, path: str) -> None:
    response = login(world.admin).get(path, {"q": "\x00"})
    assert response.status_code == 400
    assert "空字符" in response.content.decode()


@pytest.mark.django_db
def test_the_anonymous_rating_page_refuses_a_nul_byte() -> None:
    response = Client().get("/ratings/q/w/some-key/", {"q": "\x00"})
    assert response.status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["\\u0000", "a\\ud800b", "\\udfff"])
def test_json_bodies_with_nul_or_lone_surrogates_are_refused(
    world: Any, login: Any, document: dict[str, Any], text: str
) -> None:
    client = login(world.enterprise_user)
    body = '{"title": "标题' + text + '", "content": "内容", "category": "1201"}'
    response = client.post("/api/v1/cases", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == CODE
    assert_documented(document, "post", "/api/v1/cases", response)


@pytest.mark.django_db
def test_a_body_that_is_not_json_is_a_documented_400(
    world: Any, login: Any, document: dict[str, Any]
) -> None:
    response = login(world.enterprise_user).post(
        "/api/v1/cases", "{不是 JSON", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"
    assert_documented(document, "post", "/api/v1/cases", response)


@pytest.mark.django_db
@pytest.mark.parametrize("multipart", [False, True])
def test_form_fields_with_a_nul_byte_are_refused(world: Any, login: Any, multipart: bool) -> None:
    client = login(world.enterprise_user)
    data = {"title": "标题\x00", "content": "内容"}
    if multipart:
        response = client.post("/cases/intake/new/", data)
    else:
        response = client.post(
            "/cases/intake/new/", urlencode(data), content_type="application/x-www-form-urlencoded"
        )
    assert response.status_code == 400
    assert "空字符" in response.content.decode()


@pytest.mark.django_db
def test_ordinary_text_still_passes(world: Any, login: Any) -> None:
    response = login(world.biz_office).get("/api/v1/enterprises", {"q": "沭阳 纺织 😀"})
    assert response.status_code == 200


# --- years and months ------------------------------------------------------------------------------

# Every API input that takes a year or a month, with a value outside 2000–2100 / 1–12 (or the
# written form `YYYY-MM` out of range): refused by the schema before any date arithmetic.
OUT_OF_RANGE_GETS = [
    ("/api/v1/escalation/figures", {"year": "99999", "month": "1"}),
    ("/api/v1/escalation/figures", {"year": "2026", "month": "13"}),
    ("/api/v1/cases/dispatch-figures", {"year": "2026", "month": "13"}),
    ("/api/v1/cases/dispatch-figures", {"year": "1999", "month": "12"}),
    ("/api/v1/ratings/figures", {"year": "3000", "month": "1"}),
    ("/api/v1/ratings/figures", {"year": "2026", "month": "0"}),
    ("/api/v1/outreach/overview", {"year": "-5", "month": "1"}),
    ("/api/v1/outreach/criticism", {"year": "9223372036854775807", "month": "1"}),
    ("/api/v1/outreach/rounds", {"month": "2026-13"}),
    ("/api/v1/outreach/rounds", {"month": "99999-01"}),
    ("/api/v1/supervision/rankings/99999/1", {}),
    ("/api/v1/supervision/rankings/2026/13", {}),
    ("/api/v1/supervision/rankings/2026/0/units/1/total", {}),
    ("/api/v1/supervision/dashboard", {"month": "2026-13"}),
    ("/api/v1/supervision/meeting", {"month": "10000-01"}),
    ("/api/v1/workdays/days", {"year": "1999"}),
    ("/api/v1/workdays/days", {"year": "2101"}),
]
OUT_OF_RANGE_POSTS = [
    ("/api/v1/supervision/notices", {"kind": "hotline", "year": 99999, "month": 1}),
    ("/api/v1/supervision/ledgers/generate", {"year": 2026, "month": 0}),
    ("/api/v1/supervision/accountability", {"kind": "interview", "unit_id": 1, "year": 2026, "month": 13,
                                            "reason": "事由"}),
    ("/api/v1/supervision/rankings/2026/13/compute", {}),
    ("/api/v1/supervision/rankings/1999/12/freeze", {}),
    ("/api/v1/ratings/rechecks", {"year": 1000000, "month": 1}),
    ("/api/v1/outreach/rounds", {"region": "321322", "year": 2026, "month": 13}),
    ("/api/v1/outreach/symposia", {"year": 1, "half": 1, "themes": "主题"}),
]  # fmt: skip


def _path_of(address: str) -> str:
    """The document's path of a sample address (the numbers of the supervision ranking paths)."""
    parts = address.split("/")
    if address.startswith("/api/v1/supervision/rankings/"):
        parts[5:7] = ["{year}", "{month}"]
        if len(parts) > 8 and parts[7] == "units":
            parts[8:10] = ["{unit_id}", "{figure}"]
    return "/".join(parts)


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return Client().get("/api/v1/openapi.json").json()


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "params"), OUT_OF_RANGE_GETS)
def test_an_out_of_range_year_or_month_is_a_422(
    world: Any, login: Any, document: dict[str, Any], path: str, params: dict[str, str]
) -> None:
    response = login(world.admin).get(path, params)
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "validation_error"
    assert_documented(document, "get", _path_of(path), response)


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "body"), OUT_OF_RANGE_POSTS)
def test_an_out_of_range_year_or_month_in_a_body_is_a_422(
    world: Any, login: Any, document: dict[str, Any], path: str, body: dict[str, Any]
) -> None:
    response = login(world.admin).post(path, body, content_type="application/json")
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "validation_error"
    fields = " ".join(d["field"] for d in response.json()["details"])
    assert "year" in fields or "month" in fields, fields
    assert_documented(document, "post", _path_of(path), response)


@pytest.mark.django_db
def test_the_bounds_are_published_and_a_month_within_them_is_answered(
    world: Any, login: Any, document: dict[str, Any]
) -> None:
    params = {
        p["name"]: p["schema"] for p in document["paths"]["/api/v1/escalation/figures"]["get"]["parameters"]
    }
    assert (params["year"]["minimum"], params["year"]["maximum"]) == (2000, 2100)
    assert (params["month"]["minimum"], params["month"]["maximum"]) == (1, 12)
    client = login(world.admin)
    assert client.get("/api/v1/cases/dispatch-figures", {"year": "2100", "month": "12"}).status_code == 200
    assert client.get("/api/v1/ratings/figures", {"year": "2000", "month": "1"}).status_code == 200
    assert client.get("/api/v1/workdays/days", {"year": "2100"}).status_code == 200


@pytest.mark.django_db
def test_a_calendar_import_for_a_year_out_of_range_is_a_422(world: Any, login: Any) -> None:
    upload = SimpleUploadedFile("2101.csv", "日期,类型,名称\n".encode(), content_type="text/csv")
    response = login(world.admin).post("/api/v1/workdays/years/2101/import", {"file": upload})
    assert response.status_code == 422
    assert [d["field"] for d in response.json()["details"]] == ["path.year"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/supervision/rankings/99999/1/", 400),
        ("/supervision/rankings/2026/13/", 400),
        ("/supervision/dashboard/?month=2026-13", 400),
        ("/ratings/figures/?month=99999-01", 400),
        ("/outreach/overview/?month=99999-01", 200),  # an unusable month shows the current one
        ("/workdays/?year=99999", 200),
    ],
)
def test_pages_refuse_or_ignore_an_out_of_range_year_or_month(
    world: Any, login: Any, path: str, status: int
) -> None:
    response = login(world.admin).get(path)
    assert response.status_code == status, path
