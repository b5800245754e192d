"""Makes the current request's user and source IP available to the audit log without threading
`request` through every action."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse


@dataclass(frozen=True)
class RequestContext:
    ip: str | None
    user_agent: str
    source: str  # "web", "api", "command", "task"


_current: ContextVar[RequestContext | None] = ContextVar("bangban_request_context", default=None)


def client_ip(request: HttpRequest) -> str | None:
    # Behind the documented reverse proxy, X-Forwarded-For's first hop is the client. The proxy
    # must overwrite the header (see docs/operations.md); without a proxy REMOTE_ADDR is used.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded:
        return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR")


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
