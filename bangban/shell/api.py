"""The site's API: the kernel's NinjaAPI (`bangban.core.api`) with the token authentication of
`accounts` and every app's routers (`AppConfig.api_routers`, `bangban.core.plugins`), mounted in
the order of `INSTALLED_APPS`. `ShellConfig.ready` composes it once, before any URL is resolved."""

from __future__ import annotations

from collections.abc import Iterator

from ninja import Router
from ninja.security import django_auth

from bangban.accounts.api_auth import BearerToken, HeaderToken
from bangban.core.api import BangbanAPI, api
from bangban.core.plugins import plugins

__all__ = ["api", "compose"]


def routers() -> Iterator[tuple[str, Router]]:
    """(prefix, router) of every app: a single router sits at `/<app label>`."""
    for config, declared in plugins("api_routers"):
        if isinstance(declared, Router):
            yield f"/{config.label}", declared
        else:
            yield from declared


def compose(target: BangbanAPI = api) -> BangbanAPI:
    if getattr(target, "_bangban_composed", False):
        return target
    target.auth = [BearerToken(), HeaderToken(), django_auth]
    for prefix, router in routers():
        target.add_router(prefix, router)
    target._bangban_composed = True  # type: ignore[attr-defined]
    return target
