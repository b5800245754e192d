"""The pages a user meets when something is missing, refused or broken are Chinese in every setting
— the DEBUG development server included — and show no machine codes (「错误代码：not_found」); the
code stays in a data attribute for scripts and in the API's answer. The site has an icon."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from bangban.shell import views as home

ENGLISH = ("Page not found", "Not Found", "Server Error", "Traceback", "Forbidden", "Request Method")
CODES = ("not_found", "permission_denied", "server_error", "错误代码")


def visible(html: str) -> str:
    """The text a person reads: no tags, attributes, scripts or styles."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def assert_chinese_error_page(html: str, code: str) -> None:
    text = visible(html)
    for word in ENGLISH + CODES:
        assert word not in text, word
    assert f'data-error-code="{code}"' in html


@pytest.mark.parametrize("debug", [False, True])
def test_an_unknown_address_answers_a_chinese_404(world, login, settings, debug):
    settings.DEBUG = debug
    for client in (login(world.handler_shuyang), Client()):
        response = client.get("/no-such-page/")
        assert response.status_code == 404
        html = response.content.decode()
        assert_chinese_error_page(html, "not_found")
        assert "页面不存在" in visible(html)


@pytest.mark.parametrize("debug", [False, True])
def test_a_record_outside_the_scope_answers_the_same_404_page(world, login, settings, debug):
    settings.DEBUG = debug
    response = login(world.handler_shuyang).get("/cases/999999/")
    assert response.status_code == 404
    assert_chinese_error_page(response.content.decode(), "not_found")


def test_the_api_keeps_its_codes(world, login):
    response = login(world.admin).get("/api/v1/no-such-operation")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_refusal_shows_no_code(world, login):
    response = login(world.handler_shuyang).get("/cases/intake/mayor/register/")
    assert response.status_code == 403
    html = response.content.decode()
    assert_chinese_error_page(html, "permission_denied")
    assert "无权操作" in visible(html)


@pytest.mark.parametrize("debug", [False, True])
def test_a_bug_answers_a_chinese_500_page(world, login, settings, monkeypatch, debug):
    settings.DEBUG = debug

    def broken(user: Any) -> Any:
        raise RuntimeError("a bug in the home page")

    monkeypatch.setattr(home, "home_panels", broken)
    client = login(world.admin)
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 500
    html = response.content.decode()
    assert_chinese_error_page(html, "server_error")
    assert "系统错误" in visible(html)
    assert "a bug in the home page" not in html


def test_the_site_has_an_icon(world, login):
    html = login(world.handler_shuyang).get("/").content.decode()
    link = re.search(r'<link rel="icon" href="([^"]+)"', html)
    assert link is not None and link.group(1).endswith("core/favicon.svg")
    assert finders.find("core/favicon.svg") is not None
    response = login(world.handler_shuyang).get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == link.group(1)
