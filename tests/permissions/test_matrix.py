"""The permission matrix: every page pattern of the URL configuration and every operation of the
OpenAPI document, requested by every role, with the expected outcome in ONE table,
`tests/permissions/matrix.csv`.

Cells: `ok` (answered, 2xx or a redirect within the product), `login` (sent to the login page),
`deny` (403 or 404 — a refusal), or another status number (`405` a method the route does not take,
`400`/`409`/`410`/`422` …).

Scopes. Every path parameter names a real sample object of 沭阳县 (tests/permissions/samples.py:
a case led by 沭阳县政府 for 沭阳示例纺织有限公司, its escalation, meeting task, 督办 and dispute, a
rating and rectification of that unit, a project, policy delivery, opinion, ledger … — see
`routes.RULES`). The columns ask as: the sample enterprise's user (`enterprise_user`, own
enterprise) and another enterprise's of the same county (`enterprise_other`); a handler of the
sample unit (`handler_shuyang`, own unit), of another unit of the same county
(`handler_shuyang_other_unit`) and of another county (`handler_siyang`); a city department's
handler, the biz office, the auditor and the administrator. Only these parameters name a missing
record (999999), because no object of that kind exists in the product's data: the Django admin's
catch-all `(?P<url>.*)`, `auth/group` (the product keeps roles, not Django groups) and
`django_tasks_database/dbtaskresult` (tasks run immediately under test, so no task row is kept) —
`test_every_parameter_names_a_sample` holds that list.

Requests. Pages and GET operations are requested with GET. Write operations (POST/PUT/PATCH/DELETE)
are sent the minimal body their OpenAPI schema accepts (required properties only; see `minimal`),
so that a refusal is not hidden behind a 422 of the body check; multipart uploads get `{}`. Each
cell runs in its own rolled-back transaction, so a write that succeeds changes nothing the next
cell sees and the table does not depend on the order of requests.

A route without a row fails the test (so a new page or operation must be given its expectations),
a row without a route fails it too, and so does any cell that changes. Refusals are never `ok`, no
request may answer 5xx, anonymous callers get `ok` only on the public routes listed below, and on a
route that names an object another county's handler and another enterprise's user are never `ok`
unless the route is listed in `CITY_WIDE` with the reason.
`BANGBAN_MATRIX_RECORD=1` rewrites the table from what the code answers — review the diff.
"""

from __future__ import annotations

import csv
import json
import os
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client

from bangban.accounts.actions import do_create_token

from . import samples as sample_objects
from .routes import MISSING, ROLES, api_routes, concrete, page_routes, sample_values

MATRIX = Path(__file__).with_name("matrix.csv")
RECORD = os.environ.get("BANGBAN_MATRIX_RECORD") == "1"

# Anonymous callers may get an answer only here (login, the public forms and QR pages, the API's
# own description, health).
PUBLIC_PREFIXES = (
    "accounts/login/",
    "accounts/logout/",
    "healthz",
    "readyz",
    "favicon.ico",
    # Open311 GeoReport v2: the service catalogue and the requests filed through it are public.
    "open311/v2/",
    "api/v1/openapi.json",
    "api/v1/docs",
    "ratings/q/",
    "assist/r/",
    "ratings/s/",
    "ratings/m/",
    "cases/intake/mayor/",
    "cases/intake/privacy/",
    "network/v/",
    # 随手拍 without an account: the page, the SMS step, the tracking code and the 曝光台; the API's
    # staff operations under the same prefix still refuse anonymous callers (401).
    "conduct/snap/",
    "api/v1/conduct/snaps",
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


def clients(world: Any, samples: Any) -> dict[str, dict[str, Any]]:
    """Per role: a page client (session) and API headers (a token of that user)."""
    out: dict[str, dict[str, Any]] = {"anonymous": {"page": Client(), "api": {}}}
    for role in ROLES[1:]:
        user = getattr(samples, role, None) or getattr(world, role)
        page = Client()
        page.force_login(user)
        _token, raw = do_create_token(acting_user=world.admin, user_id=user.pk, name="权限矩阵")
        out[role] = {"page": page, "api": {"Authorization": f"Bearer {raw}"}}
    return out


def _resolve(schema: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        node: Any = document
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part]
        schema = {**node, **{k: v for k, v in schema.items() if k != "$ref"}}
    return schema


def minimal(schema: dict[str, Any], document: dict[str, Any]) -> Any:
    """A minimal value valid for `schema`: required properties only, strings "x" (or the first enum
    value, a date for a date), numbers at their minimum (1 when none is given), arrays of minItems."""
    schema = _resolve(schema, document)
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    if "allOf" in schema:
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            merged.update(_resolve(part, document))
        return minimal(merged, document)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = [o for o in schema[key] if _resolve(o, document).get("type") != "null"]
            return minimal(options[0], document) if options else None
    kind = schema.get("type", "object" if "properties" in schema else "string")
    if kind == "object":
        props = schema.get("properties", {})
        return {name: minimal(props.get(name, {}), document) for name in schema.get("required", [])}
    if kind == "array":
        return [minimal(schema.get("items", {}), document) for _ in range(schema.get("minItems", 0))]
    if kind in ("integer", "number"):
        if "minimum" in schema:
            return schema["minimum"]
        return schema["exclusiveMinimum"] + 1 if "exclusiveMinimum" in schema else 1
    if kind == "boolean":
        return False
    fmt = schema.get("format")
    if fmt == "date":
        return sample_objects.TODAY.isoformat()
    if fmt == "date-time":
        return sample_objects.D.isoformat()
    return "x" * max(schema.get("minLength", 1), 1)


def body_of(method: str, path: str, document: dict[str, Any]) -> str:
    """The JSON body a write operation is sent with: the minimal valid one for its schema, or `{}`
    when it takes no JSON body (multipart uploads are sent as an empty JSON object, as before)."""
    content = document["paths"][path][method.lower()].get("requestBody", {}).get("content", {})
    if "application/json" not in content:
        return "{}"
    return json.dumps(minimal(content["application/json"]["schema"], document))


def request(route: str, who: dict[str, Any], values: dict[str, str], document: dict[str, Any]) -> str:
    if " " in route:  # an API operation
        method, path = route.split(" ", 1)
        client = Client(headers=who["api"])
        url = concrete(path, values)
        if method == "GET":
            response = client.get(url)
        else:
            response = client.generic(
                method, url, body_of(method, path, document), content_type="application/json"
            )
    else:
        response = who["page"].get(concrete(route, values))
    return outcome(response)


def isolated(route: str, who: dict[str, Any], values: dict[str, str], document: dict[str, Any]) -> str:
    """One cell, rolled back afterwards, so that no request changes what the next one sees (a write
    that succeeded, a session the request rotated, a cache of the working-day calendar)."""
    from bangban.ratings.actions import forget_caches
    from bangban.workdays.service import reset_cache

    cookies = who["page"].cookies
    who["page"].cookies = type(cookies)(cookies)
    # A bare savepoint, not an atomic block: the product's durable blocks may not nest in one.
    savepoint = transaction.savepoint()
    try:
        got = request(route, who, values, document)
    finally:
        transaction.savepoint_rollback(savepoint)
        who["page"].cookies = cookies
        reset_cache()
        forget_caches()
    return got


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


# Routes that name an object and yet answer another county's handler or another enterprise's user,
# by design: route → why.
_DIRECTORY = "the city's regions and units are a directory every member of staff may read"
_POLICY = "the policy library is the city's; deliveries and read receipts stay within the caller's scope"
_SYMPOSIUM = "企业家座谈会 are the city's: every enterprise may read one and nominate itself"
_STARS = (
    "作风之星 rounds are the city's (市作风办): every member of staff reads a round and its published list; "
    "the nominees of a round in progress stay with their own unit and the offices"
)
_LINK = "a signed link or a window's public QR code: holding it is the permission, no account is asked"
_EVENT = "恳谈会 and 宿商讲坛 are the city's events, open to every member of staff"
CITY_WIDE: dict[str, str] = {
    "open311/v2/services/<str:service_code>.<str:fmt>": "the Open311 service catalogue (the categories) "
    "is public, as GeoReport v2 requires",
    "inspections/public/plans/<int:pk>/": "an announced 双随机 draw is public (一公开): its seed, the drawn "
    "enterprises and their teams are shown to everyone signed in",
    "GET /api/v1/org/regions/{code}": _DIRECTORY,
    "api/v1/org/regions/<code>": _DIRECTORY,
    "GET /api/v1/org/units/{unit_id}": _DIRECTORY,
    "api/v1/org/units/<int:unit_id>": _DIRECTORY,
    "org/units/<int:pk>/": _DIRECTORY,
    "GET /api/v1/outreach/policies/{policy_id}": _POLICY,
    "api/v1/outreach/policies/<policy_id>": _POLICY,
    "GET /api/v1/outreach/policies/{policy_id}/effect": _POLICY,
    "api/v1/outreach/policies/<policy_id>/effect": _POLICY,
    "outreach/policies/<int:pk>/": _POLICY,
    "outreach/policies/<int:pk>/deliveries.xlsx": _POLICY,
    "GET /api/v1/outreach/symposia/{symposium_id}": _SYMPOSIUM,
    "api/v1/outreach/symposia/<symposium_id>": _SYMPOSIUM,
    "outreach/symposia/<int:pk>/": _SYMPOSIUM,
    "POST /api/v1/outreach/symposia/{symposium_id}/nominations": _SYMPOSIUM,
    "outreach/events/<int:pk>/": _EVENT,
    "outreach/events/<int:pk>/attendance.xlsx": _EVENT,
    "GET /api/v1/outreach/events/{event_id}": _EVENT,
    "api/v1/outreach/events/<event_id>": _EVENT,
    "network/v/<str:token>/": _LINK,
    "conduct/g/<int:enterprise_id>/<str:token>/": "the enterprise's gate QR code: scanned at its gate, it admits "
    "an official of any unit to register an entry (the token is signed, names the enterprise and expires)",
    "conduct/negative-list/<int:pk>/": "the 负面清单 and its history are the city's, shown to everyone signed in",
    "ratings/m/<str:token>/": _LINK,
    "ratings/s/<str:token>/": _LINK,
    "ratings/q/w/<str:key>/": _LINK,
    "assist/r/<str:key>/": "the rating QR code / link of one service: holding it is the permission, as a window's",
    "supervision/stars/<int:pk>/": _STARS,
    "GET /api/v1/supervision/stars/{round_id}": _STARS,
    "api/v1/supervision/stars/<round_id>": _STARS,
}

# Parameters that are not object ids.
NOT_OBJECTS = frozenset({"year", "month", "fmt", "figure", "action", "app_label", "url"})
# Addresses that name no object, whose parameter stays a missing record (see the docstring).
MISSING_ALLOWED = (
    "django-admin/(?P<url>.*)$",
    "django-admin/auth/group/",
    "django-admin/django_tasks_database/dbtaskresult/",
)


def parameters(route: str) -> list[str]:
    """The names of a route's parameters (a regular expression's groups, a pattern's converters, an
    API path's braces)."""
    names = re.findall(r"\(\?P<(\w+)>", route)
    rest = re.sub(r"\(\?P<\w+>", "", route)
    return names + re.findall(r"<(?:\w+:)?(\w+)>", rest) + re.findall(r"\{(\w+)\}", rest)


def test_a_route_naming_an_object_refuses_other_counties_and_enterprises() -> None:
    for route, row in read_matrix().items():
        if not set(parameters(route)) - NOT_OBJECTS or route in CITY_WIDE:
            continue
        for role in ("handler_siyang", "enterprise_other"):
            assert row[role] != "ok", f"{route}: answered to {role} (list it in CITY_WIDE with the reason)"


@pytest.mark.django_db
def test_every_parameter_names_a_sample(world: Any, demo_clock: Any) -> None:
    samples = sample_objects.build(world)
    missing = []
    for route in ROUTES:
        values = sample_values(route, world, samples)
        for name in parameters(route):
            if values.get(name, MISSING) == MISSING and not route.lstrip("^").startswith(MISSING_ALLOWED):
                missing.append(f"{route}: {name}")
    assert missing == []


_recorded: dict[str, dict[str, str]] = defaultdict(dict)


@pytest.mark.django_db
@pytest.mark.parametrize("group", GROUPS)
def test_matrix(world: Any, demo_clock: Any, group: str) -> None:
    expected = read_matrix()
    samples = sample_objects.build(world)
    who = clients(world, samples)
    document = _document()
    mismatches = []
    for route in (r for r in ROUTES if group_of(r) == group):
        values = sample_values(route, world, samples)
        for role in ROLES:
            got = isolated(route, who[role], values, document)
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
