"""Input no field may hold — NUL bytes and lone surrogates — is refused with 400 at every door
(query strings, forms, JSON bodies; API and pages), before it can reach the database."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client

from bangban.core.input_guard import CODE

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
def test_a_nul_byte_in_an_api_query_is_a_400(world: Any, login: Any, path: str, value: str) -> None:
    response = login(world.biz_office).get(path, {"q": value})
    assert response.status_code == 400
    assert response.json() == {"code": CODE, "message": response.json()["message"]}
    assert "空字符" in response.json()["message"]


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
def test_json_bodies_with_nul_or_lone_surrogates_are_refused(world: Any, login: Any, text: str) -> None:
    client = login(world.enterprise_user)
    body = '{"title": "标题' + text + '", "content": "内容", "category": "1201"}'
    response = client.post("/api/v1/cases", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == CODE


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
