"""The 纪委监委 reader (`Role.DISCIPLINE`) sees the hand-overs (移送) addressed to its unit, the
accountability record and the cases they name, and nothing else: every page and API operation of
the product is requested as that reader, and every answer outside the short list below is a refusal
(403/404), a 405 for a method the route does not take, or exactly what an account of the same unit
without any role is answered (the pages every signed-in account has, empty lists)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from bangban.accounts.actions import do_create_token
from bangban.conftest import make_user

from . import samples as sample_objects
from .routes import concrete, sample_values
from .test_matrix import ROUTES, _document, isolated

# What a 纪委监委 reader is answered beyond an account without roles: its hand-overs (the list, the
# one addressed to it, a case it names, receipt and outcome).
ALLOWED = {
    "supervision/transfers/",
    "supervision/transfers/<int:pk>/",
    "supervision/transfers/<int:pk>/cases/<int:ticket_id>/",
    "GET /api/v1/supervision/transfers",
    "GET /api/v1/supervision/transfers/{transfer_id}",
    "POST /api/v1/supervision/transfers/{transfer_id}/receive",
    "POST /api/v1/supervision/transfers/{transfer_id}/outcome",
    "api/v1/supervision/transfers",
    "api/v1/supervision/transfers/<transfer_id>",
}
REFUSED = ("deny", "405", "401", "login")


def _listed(response: Any) -> Any:
    """How many rows a list answer holds (None for an answer that is not a list)."""
    try:
        body = response.json()
    except ValueError:
        return None
    if isinstance(body, dict) and isinstance(body.get("items"), list):
        return body.get("count", len(body["items"]))
    return len(body) if isinstance(body, list) else None


def _caller(world: Any, user: Any) -> dict[str, Any]:
    page = Client()
    page.force_login(user)
    _token, raw = do_create_token(acting_user=world.admin, user_id=user.pk, name="范围检查")
    return {"page": page, "api": {"Authorization": f"Bearer {raw}"}}


@pytest.mark.django_db
def test_a_discipline_reader_is_refused_everything_but_its_hand_overs(world: Any, demo_clock: Any) -> None:
    samples = sample_objects.build(world)
    reader = _caller(world, samples.discipline)
    nobody = _caller(world, make_user("no_roles_sy", unit=samples.discipline.unit, full_name="无角色账号"))
    document = _document()
    answered = {}
    for route in ROUTES:
        values = sample_values(route, world, samples)
        got = isolated(route, reader, values, document)
        if got in REFUSED:
            continue
        answered[route] = got
        if route not in ALLOWED:
            baseline = isolated(route, nobody, values, document)
            assert got == baseline, f"{route}: 纪委监委 answered {got}, an account without roles {baseline}"
            if got == "ok" and route.startswith("GET /api/"):
                # A list answered to both holds no more for the reader than for the account without roles.
                url = concrete(route.split(" ", 1)[1], values)
                mine, theirs = (_listed(Client(headers=who["api"]).get(url)) for who in (reader, nobody))
                assert mine == theirs, f"{route}: 纪委监委 listed {mine}, an account without roles {theirs}"
    # Its hand-overs do answer: the list, the one addressed to it, a case it names.
    for route in (
        "supervision/transfers/",
        "supervision/transfers/<int:pk>/",
        "supervision/transfers/<int:pk>/cases/<int:ticket_id>/",
        "GET /api/v1/supervision/transfers",
        "GET /api/v1/supervision/transfers/{transfer_id}",
    ):
        assert answered.get(route) == "ok", route
