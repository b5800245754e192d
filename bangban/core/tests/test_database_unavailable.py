"""A page whose database connection is lost answers 503 with a plain Chinese page (and the API its
JSON `database_unavailable`), never a server error; the answer itself needs no database. Runs on
SQLite and, with DATABASE_URL, on PostgreSQL: the loss is simulated by making every query — or
one step of the page — raise the driver's error as Django wraps it."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import InterfaceError, OperationalError, connection
from django.test import Client
from django.urls import reverse

from bangban.accounts import actions as account_actions
from bangban.tickets.privacy import NOTICE_VERSION

MESSAGE = "系统暂时无法访问数据库，请稍后重试"


@contextlib.contextmanager
def database_lost(error: type[Exception] = OperationalError) -> Iterator[list[str]]:
    """Every query on the connection fails, as when the server went away; yields the queries tried."""
    tried: list[str] = []

    def refuse(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        tried.append(sql)
        raise error("server closed the connection unexpectedly")

    with connection.execute_wrapper(refuse):
        yield tried


def assert_unavailable_page(response: Any) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert MESSAGE in page and "database_unavailable" in page


def quiet(client: Client) -> Client:
    """Answer as the server would instead of re-raising the error in the test."""
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_signed_in_page_without_a_database_is_503(world, login, caplog, error):
    client = quiet(login(world.admin))
    assert client.get("/").status_code == 200
    with caplog.at_level(logging.WARNING, logger="bangban.core"), database_lost(error) as tried:
        response = client.get("/")
    assert tried, "the page must have tried the database (session, user)"
    assert_unavailable_page(response)
    assert "database unavailable during GET /" in caplog.text
    # The connection is back: the next request is served as usual.
    assert client.get("/").status_code == 200


def test_a_public_form_without_a_database_is_503(db):
    client = quiet(Client())
    with database_lost():
        assert_unavailable_page(client.get(reverse("tickets:intake_mayor")))
        assert_unavailable_page(
            client.post(
                reverse("tickets:intake_mayor"),
                {"step": "send_code", "privacy_consent": NOTICE_VERSION, "phone": "13851234567"},
            )
        )


def test_a_connection_lost_during_a_form_post_is_503_and_writes_no_session(world, login, monkeypatch, caplog):
    client = login(world.admin)
    person = world.handler_siyang
    session_key = client.cookies["sessionid"].value

    def lose_connection(**kwargs: Any) -> Any:
        raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr(account_actions, "do_update_user", lose_connection)
    url = reverse("accounts:user_edit", args=[person.pk])
    data = {
        "full_name": "新名字",
        "roles": ["handler"],
        "unit": str(person.unit_id),
        "version": person.version,
    }
    with caplog.at_level(logging.WARNING, logger="bangban.core"):
        response = client.post(url, data)
    assert_unavailable_page(response)
    assert f"database unavailable during POST {url}" in caplog.text
    # No new session row or cookie was written on the way out.
    assert "sessionid" not in response.cookies
    assert client.cookies["sessionid"].value == session_key
    person.refresh_from_db()
    assert person.full_name != "新名字"


def test_the_unavailable_page_is_rendered_without_the_database(world, login, monkeypatch):
    """The home page fails on its own query; rendering the 503 must not query again (no
    navigation, no user, no unread count)."""
    from bangban.shell import views as home

    client = login(world.admin)
    client.get("/")  # the session and user are loaded before the loss below

    calls: list[str] = []

    def panels(user: Any) -> Any:
        # From here on every query fails: what follows (the 503 page) must need none.
        stack.enter_context(database_lost())
        calls.append("panels")
        raise OperationalError("could not receive data from server")

    stack = contextlib.ExitStack()
    monkeypatch.setattr(home, "home_panels", panels)
    with stack:
        response = client.get("/")
    assert calls == ["panels"]
    assert_unavailable_page(response)


def test_the_api_still_answers_json(world, login):
    client = quiet(login(world.admin))
    with database_lost():
        response = client.get("/api/v1/enterprises")
    assert response.status_code == 503
    assert response.json()["code"] == "database_unavailable"


def test_other_errors_are_still_server_errors(world, login, monkeypatch):
    from bangban.shell import views as home

    def broken(user: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(home, "home_panels", broken)
    response = quiet(login(world.admin)).get("/")
    assert response.status_code == 500
    assert MESSAGE not in response.content.decode()
