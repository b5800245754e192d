"""A lost database connection answers 503, never a server error.

The API has its own handler (`bangban.core.api`, JSON `database_unavailable`). For pages, an
`OperationalError`/`InterfaceError` (the database is down, refuses connections, or the connection
was dropped mid-request) becomes a plain Chinese page with status 503 and `Retry-After`. The page
needs nothing from the database: it is rendered without the request (no context processors, so no
navigation or user queries), and any unsaved change to the session is dropped rather than written.

Errors raised by a view are caught by `DatabaseUnavailableMiddleware`; those raised by middleware
(loading the session or the signed-in user, saving the session) reach the 500 handler
(`error_pages.server_error`, `handler500` in `config.urls`), which answers the same. Either way the event is
logged (logger `bangban.core`) and the transaction of the request was rolled back, so nothing of
it was kept; Django discards the broken connection when the request ends."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

log = logging.getLogger("bangban.core")

DB_ERRORS = (OperationalError, InterfaceError)
MESSAGE = "系统暂时无法访问数据库，请稍后重试"
API_MESSAGE = "数据库暂时不可用，请求未被处理，请稍后重试"
RETRY_AFTER = "5"


def unavailable_response(request: HttpRequest, exc: BaseException) -> HttpResponse:
    log.warning("database unavailable during %s %s: %s", request.method, request.path, exc)
    session = getattr(request, "session", None)
    if session is not None:
        session.modified = False  # a session write would need the database too
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"code": "database_unavailable", "message": API_MESSAGE}, status=503)
    else:
        html = render_to_string("core/database_unavailable.html", {"message": MESSAGE})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = RETRY_AFTER
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if isinstance(exc, DB_ERRORS):
            return unavailable_response(request, exc)
        return None
