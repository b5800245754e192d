"""How an app plugs into the site: attributes of its `AppConfig`, read by the shell (`bangban.shell`).

The kernel (`bangban.core`) imports no other app, and no app imports the shell. An app contributes
to what the shell composes by naming its parts on its `AppConfig`, as dotted paths that are
imported only when the shell needs them (so declaring them costs nothing at start-up):

`api_routers`
    A django-ninja `Router`, mounted at `/api/v1/<app label>`, or a sequence of `(prefix, Router)`
    pairs mounted at `/api/v1<prefix>` (the case system mounts three at `/cases…`).
`nav`
    A sequence of `NavItem`: the app's entries in every page's header.
`demo`
    A function `(now) -> list[str]` that adds the app's records to the demo city (idempotent) and
    returns lines for the console report. Apps run in the order of `INSTALLED_APPS`, so an app's
    demo can build on the records of the apps listed before it.
`metrics`
    A function `(now) -> iterable of prometheus-client metric families`: figures read from the
    database at every scrape of `/metrics` (`bangban.core.metrics`).

Periodic jobs need no attribute: each app registers them in its own `jobs` module
(`bangban.core.scheduler`). Audit action labels and exportable lists are registered from each
app's own `AppConfig.ready`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import AppConfig, apps
from django.utils.module_loading import import_string

PLUGIN_ATTRIBUTES = ("api_routers", "nav", "demo", "metrics")


@dataclass(frozen=True)
class NavItem:
    """One header entry. `order` places it among every app's entries (the header is sorted by it);
    `menu` groups an area's entries under one dropdown when a user has two or more of them;
    `admin` puts it under the 「系统管理」 menu instead."""

    label: str
    url_name: str
    allowed: Callable[[Any], bool]
    order: int
    menu: str = ""
    admin: bool = False


def plugin(config: AppConfig, attribute: str) -> Any:
    """What `config` names under `attribute` (imported), or None when the app declares nothing."""
    path = getattr(config, attribute, None)
    return import_string(path) if path else None


def plugins(attribute: str) -> Iterator[tuple[AppConfig, Any]]:
    """Each installed app that declares `attribute`, in `INSTALLED_APPS` order, with what it names."""
    for config in apps.get_app_configs():
        value = plugin(config, attribute)
        if value is not None:
            yield config, value
