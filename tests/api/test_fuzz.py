"""The whole API fuzzed: schemathesis generates requests from `/api/v1/openapi.json` for every
operation, sent anonymously and with the API tokens of several roles. No request may end in a
server error, and every 4xx answer is `{code, message}` with a status the operation documents and a
code the document lists for that operation and status (`x-error-codes`).

Bounded for CI: `EXAMPLES` examples per operation (valid and invalid ones), derandomized, so a run
is repeatable. `BANGBAN_FUZZ_EXAMPLES=50` runs a deeper pass locally.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from bangban.accounts.actions import do_create_token

EXAMPLES = int(os.environ.get("BANGBAN_FUZZ_EXAMPLES", "6"))
ROLES = ("anonymous", "enterprise_user", "handler_shuyang", "biz_office", "admin")


def _schema() -> Any:
    from bangban.core.api import api

    document = json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1/")))
    schema = schemathesis.openapi.from_dict(document)
    schema.app = get_wsgi_application()
    return schema


SCHEMA = _schema()
OPERATIONS = {result.ok().label: result.ok() for result in SCHEMA.get_all_operations()}


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """schemathesis calls the WSGI application itself, whose request signals would close the
    database connection that holds the test's transaction (on PostgreSQL; SQLite's in-memory test
    database is never closed). Django's own test client disconnects them the same way."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(world: Any) -> dict[str, dict[str, str]]:
    headers: dict[str, dict[str, str]] = {"anonymous": {}}
    for role in ROLES[1:]:
        _token, raw = do_create_token(
            acting_user=world.admin, user_id=getattr(world, role).pk, name="接口测试"
        )
        headers[role] = {"Authorization": f"Bearer {raw}"}
    return headers


def _check(operation: Any, response: Any) -> None:
    where = f"{operation.label} → {response.status_code}: {response.text[:300]}"
    assert response.status_code < 500, where
    if 400 <= response.status_code < 500 and "json" not in str(response.headers.get("content-type")):
        raise AssertionError(f"{where} {response.request.method} {response.request.url} {response.headers}")
    if 400 <= response.status_code < 500:
        body = response.json()
        assert isinstance(body.get("code"), str) and body["code"], where
        assert isinstance(body.get("message"), str) and body["message"], where
        documented = operation.definition.raw.get("responses", {})
        assert str(response.status_code) in documented, where
        listed = documented[str(response.status_code)].get("x-error-codes", [])
        assert body["code"] in listed, f"{where} — code not listed for this operation: {listed}"


@pytest.mark.django_db
@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_operation_never_fails_with_a_server_error(label: str, tokens: dict[str, dict[str, str]]) -> None:
    operation = OPERATIONS[label]
    strategies = [operation.as_strategy(generation_mode=GenerationMode.POSITIVE)]
    # An operation without parameters has no invalid form.
    with contextlib.suppress(Exception):
        strategies.append(operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))

    @given(case=st.one_of(strategies), who=st.sampled_from(ROLES))
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any, who: str) -> None:
        response = case.call(headers=tokens[who])
        _check(operation, response)

    run()


@pytest.mark.django_db
def test_every_operation_is_fuzzed() -> None:
    response = Client().get("/api/v1/openapi.json")
    document = response.json()
    count = sum(len(item) for item in document["paths"].values())
    assert len(OPERATIONS) == count


class _Answer:
    """A stand-in for an answer schemathesis received."""

    def __init__(self, status: int, code: str) -> None:
        self.status_code = status
        self.text = json.dumps({"code": code, "message": "说明"})
        self.headers = {"content-type": "application/json"}

    def json(self) -> Any:
        return json.loads(self.text)


def test_the_check_refuses_a_code_the_operation_does_not_list() -> None:
    operation = OPERATIONS["PATCH /api/v1/enterprises/{enterprise_id}"]
    _check(operation, _Answer(409, "conflict"))
    _check(operation, _Answer(400, "uscc_check_char"))
    with pytest.raises(AssertionError, match="not listed"):
        _check(operation, _Answer(409, "round_submitted"))
    with pytest.raises(AssertionError, match="not listed"):
        _check(OPERATIONS["GET /api/v1/org/me"], _Answer(400, "uscc_check_char"))
