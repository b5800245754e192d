from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from bangban.accounts.access import scope_of
from bangban.core.errors import REFUSALS, ApplicationError


def error_response(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    """The page-side translation of an ApplicationError (the API's is in bangban.core.api)."""
    template = "core/error_fragment.html" if getattr(request, "htmx", False) else "core/error.html"
    return render(request, template, {"error": exc}, status=exc.status)


def page_errors(view: Callable[..., Any]) -> Callable[..., Any]:
    """Application errors a page raises (not found, no permission, bad input …) become the standard
    error page (or fragment, for htmx) with the error's status."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            return view(request, *args, **kwargs)
        except REFUSALS:
            raise
        except ApplicationError as exc:
            return error_response(request, exc)

    return wrapper


@login_required
def home(request: HttpRequest) -> HttpResponse:
    from bangban.core.home import home_panels

    user = request.user
    return render(request, "core/home.html", {"panels": home_panels(user), "scope": scope_of(user)})


def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
