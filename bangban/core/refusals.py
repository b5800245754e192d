"""The safety net for refusals raised by a page: an `ApplicationError` that leaves a view becomes
the standard error page (or `{code, message}` under `/api/`) with its own status — 403, 404, 409 …
— never a server error and never a 200 form."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

from bangban.core.errors import ApplicationError
from bangban.core.views import error_response


class ApplicationErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not isinstance(exc, ApplicationError):
            return None
        if request.path.startswith("/api/"):
            return JsonResponse({"code": exc.code, "message": exc.message}, status=exc.status)

        return error_response(request, exc)
