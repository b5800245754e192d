"""Where a case came from, as the apps above the case system know it (a 恳谈会 item, a connector's
work order …), shown on the case page as a link back.

The case system may not import those apps (`.importlinter`); each registers a resolver from its
`AppConfig.ready()`: `resolver(user, ticket) -> Origin | None`. A resolver answers None when the
case is not its concern or the user may not see the source (then no link is shown)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Origin:
    label: str  # 「来源」 e.g. 恳谈会
    text: str  # e.g. the theme
    url: str = ""


OriginResolver = Callable[[Any, Any], "Origin | None"]
_resolvers: list[OriginResolver] = []


def register_case_origin(resolver: OriginResolver) -> None:
    """Add a resolver (idempotent)."""
    if resolver not in _resolvers:
        _resolvers.append(resolver)


def origins_of(user: Any, ticket: Any) -> list[Origin]:
    found = []
    for resolver in _resolvers:
        origin = resolver(user, ticket)
        if origin is not None:
            found.append(origin)
    return found
