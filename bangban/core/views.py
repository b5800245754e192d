from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
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
    """For the load balancer: 200 `{"status": "ok"}`, or 503 with the reasons (bangban.core.health)."""
    from bangban.core.health import health_problems

    problems = health_problems()
    if problems:
        return JsonResponse({"status": "error", "problems": problems}, status=503)
    return JsonResponse({"status": "ok"})


@login_required
def stalled_tasks(request: HttpRequest) -> HttpResponse:
    """Background tasks left running past their lease or failed (system administrators only)."""
    from bangban.accounts.roles import Role
    from bangban.core.errors import NotFound
    from bangban.core.worker import lease_seconds
    from bangban.core.worker import stalled_tasks as stalled

    if not getattr(request.user, "has_role", lambda *_: False)(Role.ADMIN):
        return error_response(request, NotFound())
    return render(request, "core/stalled_tasks.html", {"rows": stalled(), "lease": int(lease_seconds())})
