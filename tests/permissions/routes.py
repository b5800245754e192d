"""Every route of the product — each page pattern of the URL configuration and each operation of the
OpenAPI document — with the concrete address the permission matrix requests for it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

# Who asks. `handler_shuyang` works for the county (沭阳) the sample objects belong to,
# `handler_siyang` for another county, `enterprise_user` for the sample enterprise.
ROLES = (
    "anonymous",
    "enterprise_user",
    "handler_shuyang",
    "handler_siyang",
    "city_handler",
    "biz_office",
    "auditor",
    "admin",
)
MISSING = "999999"


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p.callback


def page_routes() -> list[str]:
    """URL patterns that are not API operations (those are rows of their own, from the document)."""
    routes = []
    for route, callback in _walk(get_resolver().url_patterns):
        if type(getattr(callback, "__self__", None)).__name__ == "PathView":
            continue
        routes.append(route)
    return sorted(set(routes))


def api_routes(document: dict[str, Any]) -> list[str]:
    return sorted(f"{m.upper()} {path}" for path, item in document["paths"].items() for m in item)


def sample_values(world: Any) -> dict[str, str]:
    """Parameter name → a value naming a sample object of 沭阳 (or a missing one)."""
    return {
        "enterprise_id": str(world.ent_shuyang.pk),
        "unit_id": str(world.shuyang_gov.pk),
        "code": world.shuyang.code,
        "user_id": str(world.handler_shuyang.pk),
        "year": "2026",
        "month": "10",
    }


def concrete(route: str, values: dict[str, str]) -> str:
    """A requestable address for a page pattern or an API path."""
    if route.startswith("^"):  # a regular expression route (the admin's, the /api/ catch-all)
        route = route.lstrip("^").rstrip("$")
        route = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: values.get(m.group(1), MISSING), route)
        route = route.replace("\\Z", "").replace("\\", "")
        return "/" + route
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values.get(m.group(1), MISSING), route)
    path = re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), MISSING), path)
    return path if path.startswith("/") else "/" + path
