"""Makes the current request's user and source IP available to the audit log without threading
`request` through every action."""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse


@dataclass(frozen=True)
class RequestContext:
    ip: str | None
    user_agent: str
    source: str  # "web", "api", "command", "task"


_current: ContextVar[RequestContext | None] = ContextVar("bangban_request_context", default=None)


@functools.cache
def _trusted_networks(spec: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(item.strip(), strict=False) for item in spec if item.strip())


def _trusted(address: str, networks: tuple) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address. `X-Forwarded-For` is believed only when the request comes from a
    proxy listed in `BANGBAN_TRUSTED_PROXIES` (CIDRs; none by default): the header is read from
    the right, skipping trusted proxies, and the first untrusted hop is the client. A header sent by
    anyone else is ignored, so it cannot be used to walk around per-address limits."""
    remote = request.META.get("REMOTE_ADDR") or None
    networks = _trusted_networks(tuple(getattr(settings, "BANGBAN_TRUSTED_PROXIES", ()) or ()))
    if not networks or remote is None or not _trusted(remote, networks):
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, networks):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return remote
    return hops[0] if hops else remote


def current_context() -> RequestContext | None:
    return _current.get()


def set_context(ctx: RequestContext | None):
    return _current.set(ctx)


def reset_context(token) -> None:
    _current.reset(token)


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        source = "api" if request.path.startswith("/api/") else "web"
        token = _current.set(
            RequestContext(
                ip=client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
                source=source,
            )
        )
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
