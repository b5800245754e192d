"""Page helpers every app uses (the standard error page) and the health check."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static

from bangban.core.errors import REFUSALS, ApplicationError
from bangban.core.health import health_problems, readiness_problems


def error_response(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    """The page-side translation of an ApplicationError (the API's is in bangban.core.api)."""
    template = "core/error_fragment.html" if getattr(request, "htmx", False) else "core/error.html"
    response = render(request, template, {"error": exc}, status=exc.status)
    response.bangban_error_page = True  # type: ignore[attr-defined]  # (error_pages: not replaced)
    return response


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


def healthz(request: HttpRequest) -> HttpResponse:
    """For the load balancer: 200 `{"status": "ok"}`, or 503 with the reasons (bangban.core.health)."""

    problems = health_problems()
    if problems:
        return JsonResponse({"status": "error", "problems": problems}, status=503)
    return JsonResponse({"status": "ok"})


def readyz(request: HttpRequest) -> HttpResponse:
    """For the orchestrator: ready to take traffic — 200 `{"status": "ready"}`, or 503 with the
    reasons (database, migrations, task queue; bangban.core.health.readiness_problems)."""

    problems = readiness_problems()
    if problems:
        return JsonResponse({"status": "not_ready", "problems": problems}, status=503)
    return JsonResponse({"status": "ready"})


def favicon(request: HttpRequest) -> HttpResponse:
    """`/favicon.ico`, which browsers and bookmarks ask for whatever the page links: the site's icon."""
    return HttpResponsePermanentRedirect(static("core/favicon.svg"))
