"""The permission matrix: every page pattern of the URL configuration and every operation of the
OpenAPI document, requested by every role, with the expected outcome in ONE table,
`tests/permissions/matrix.csv`.

Cells: `ok` (answered, 2xx or a redirect within the product), `login` (sent to the login page),
`deny` (403 or 404 — a refusal), or another status number (`405` a method the route does not take,
`400`/`409`/`410`/`422` …). Parameters name sample objects of 沭阳县 (its enterprise, its county
government, the county itself, a 沭阳 handler) — own scope for `handler_shuyang` and
`enterprise_user`, another county's for `handler_siyang` — or a missing record (999999).
Pages and operations are requested with GET; write operations are exercised with an empty body.

A route without a row fails the test (so a new page or operation must be given its expectations),
a row without a route fails it too, and so does any cell that changes. Refusals are never `ok`, no
request may answer 5xx, and anonymous callers get `ok` only on the public routes listed below.
`BANGBAN_MATRIX_RECORD=1` rewrites the table from what the code answers — review the diff.
"""

from __future__ import annotations

import csv
import json
import os
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from bangban.accounts.actions import do_create_token

from .routes import ROLES, api_routes, concrete, page_routes, sample_values

MATRIX = Path(__file__).with_name("matrix.csv")
RECORD = os.environ.get("BANGBAN_MATRIX_RECORD") == "1"

# Anonymous callers may get an answer only here (login, the public forms and QR pages, the API's
# own description, health).
PUBLIC_PREFIXES = (
    "accounts/login/",
    "accounts/logout/",
    "healthz",
    "api/v1/openapi.json",
    "api/v1/docs",
    "ratings/q/",
    "ratings/s/",
    "ratings/m/",
    "cases/intake/mayor/",
    "django-admin/login/",
    "django-admin/logout/",
)


def _document() -> dict[str, Any]:
    from bangban.core.api import api

    return json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1/")))


def all_routes() -> list[str]:
    return page_routes() + api_routes(_document())


def group_of(route: str) -> str:
    path = route.split(" ", 1)[1] if " " in route else route
    parts = [p for p in path.strip("/^").split("/") if p]
    if parts[:2] == ["api", "v1"]:
        return "api/" + (parts[2] if len(parts) > 2 else "")
    return parts[0] if parts else "(root)"


def read_matrix() -> dict[str, dict[str, str]]:
    if not MATRIX.exists():
        return {}
    with MATRIX.open(newline="", encoding="utf-8") as fh:
        return {row["route"]: row for row in csv.DictReader(fh)}


def outcome(response: Any) -> str:
    status = response.status_code
    if status >= 500:
        return f"{status}"
    if status in (301, 302, 303, 307, 308):
        location = response.headers.get("Location", "")
        return "login" if location.startswith(settings.LOGIN_URL) or "/login/" in location else "ok"
    if status in (403, 404):
        return "deny"
    if 200 <= status < 300:
        return "ok"
    return str(status)


def clients(world: Any) -> dict[str, dict[str, Any]]:
    """Per role: a page client (session) and API headers (a token of that user)."""
    out: dict[str, dict[str, Any]] = {"anonymous": {"page": Client(), "api": {}}}
    for role in ROLES[1:]:
        user = getattr(world, role)
        page = Client()
        page.force_login(user)
        _token, raw = do_create_token(acting_user=world.admin, user_id=user.pk, name="权限矩阵")
        out[role] = {"page": page, "api": {"Authorization": f"Bearer {raw}"}}
    return out


def request(route: str, role: str, who: dict[str, Any], values: dict[str, str]) -> str:
    if " " in route:  # an API operation
        method, path = route.split(" ", 1)
        client = Client(headers=who["api"])
        url = concrete(path, values)
        if method == "GET":
            response = client.get(url)
        else:
            response = client.generic(method, url, "{}", content_type="application/json")
    else:
        response = who["page"].get(concrete(route, values))
    return outcome(response)


ROUTES = all_routes()
GROUPS = sorted({group_of(r) for r in ROUTES})


def test_every_route_has_a_row_and_every_row_a_route() -> None:
    if RECORD:
        pytest.skip("recording")
    rows = set(read_matrix())
    assert sorted(set(ROUTES) - rows) == [], "routes without a row in matrix.csv"
    assert sorted(rows - set(ROUTES)) == [], "rows of matrix.csv for routes that no longer exist"


def test_the_table_holds_no_refusal_as_success_and_no_server_error() -> None:
    for route, row in read_matrix().items():
        for role in ROLES:
            assert not row[role].startswith("5"), (route, role)
        if not route.lstrip("GETPOSUADLCH ").startswith(PUBLIC_PREFIXES) and not any(
            route.split(" ")[-1].lstrip("/").startswith(p) for p in PUBLIC_PREFIXES
        ):
            assert row["anonymous"] != "ok", f"{route}: answered to anonymous callers"


_recorded: dict[str, dict[str, str]] = defaultdict(dict)


@pytest.mark.django_db
@pytest.mark.parametrize("group", GROUPS)
def test_matrix(world: Any, group: str) -> None:
    expected = read_matrix()
    who = clients(world)
    values = sample_values(world)
    mismatches = []
    for route in (r for r in ROUTES if group_of(r) == group):
        for role in ROLES:
            got = request(route, role, who[role], values)
            if RECORD:
                _recorded[route][role] = got
                continue
            want = expected.get(route, {}).get(role)
            if got != want:
                mismatches.append(f"{route} as {role}: expected {want}, got {got}")
    if RECORD:
        rows = read_matrix()
        for route, cells in _recorded.items():
            rows[route] = {"route": route, **cells}
        with MATRIX.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=["route", *ROLES])
            writer.writeheader()
            for route in sorted(r for r in rows if r in set(ROUTES)):
                writer.writerow(rows[route])
        return
    assert mismatches == []
