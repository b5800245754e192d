"""The pages a visitor sees when something is missing, refused or broken: always Chinese, in every
setting — the DEBUG development server (`make run`) included, where Django would otherwise answer
with its English debug pages. The machine code of an error stays out of the visible text (it is in
the page's `data-error-code` attribute, and in the API's `{code, message}`).

- `page_not_found` / `permission_denied` / `bad_request` are the project's `handler404`,
  `handler403` and `handler400` (`config.urls`): the standard error page of `error_response`.
- `server_error` (`handler500`) renders a plain Chinese page without the request (no context
  processors, so nothing that could fail again), or the database-unavailable answer when that is
  what went wrong.
- `FriendlyErrorPagesMiddleware` replaces any other 404 or 500 HTML answer — Django's debug pages
  under DEBUG — by the same pages. The traceback of a 500 is still logged (`django.request`)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from bangban.core.errors import NotFound, PermissionDenied, ValidationFailed
from bangban.core.unavailable import DB_ERRORS, unavailable_response
from bangban.core.views import error_response

NOT_FOUND_MESSAGE = "您访问的页面不存在，或您无权查看"
SERVER_ERROR_MESSAGE = (
    "系统出现了意外错误，您刚才的操作可能没有完成。请稍后重试；如果问题持续出现，请联系系统管理员。"
)


def _ours(response: HttpResponse) -> HttpResponse:
    response.bangban_error_page = True  # type: ignore[attr-defined]
    return response


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _ours(error_response(request, NotFound(NOT_FOUND_MESSAGE)))


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _ours(error_response(request, PermissionDenied()))


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _ours(error_response(request, ValidationFailed("请求无效，请返回后重试", code="bad_request")))


def server_error(request: HttpRequest, template_name: str = "") -> HttpResponse:
    """`handler500`: the database-unavailable answer when that is what went wrong (an error raised
    by middleware), otherwise the Chinese error page."""
    exc = sys.exc_info()[1]
    if isinstance(exc, DB_ERRORS):
        return unavailable_response(request, exc)
    html = render_to_string("core/server_error.html", {"message": SERVER_ERROR_MESSAGE})
    response = HttpResponse(html, status=500)
    response["Cache-Control"] = "no-store"
    return _ours(response)


class FriendlyErrorPagesMiddleware:
    """A 404 or 500 page that is not one of ours (Django's debug pages under DEBUG, a static file
    that is missing under DEBUG) becomes ours. API answers and non-HTML answers pass unchanged."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code not in (404, 500) or getattr(response, "bangban_error_page", False):
            return response
        if request.path.startswith("/api/") or not _is_html(response):
            return response
        if response.status_code == 404:
            return page_not_found(request)
        return server_error(request)


def _is_html(response: Any) -> bool:
    return str(response.get("Content-Type", "")).startswith("text/html")
