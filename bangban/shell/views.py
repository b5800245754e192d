"""The home page and the operators' page of stalled background tasks."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from bangban.accounts.access import scope_of
from bangban.accounts.roles import Role
from bangban.core.errors import NotFound
from bangban.core.views import error_response
from bangban.core.worker import lease_seconds
from bangban.core.worker import stalled_tasks as stalled

from .home import home_panels, main_actions, work_counts


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    counts = work_counts(user, timezone.now())
    return render(
        request,
        "core/home.html",
        {
            "panels": home_panels(user),
            "scope": scope_of(user),
            "work_counts": counts,
            "main_actions": main_actions(user),
        },
    )


@login_required
def stalled_tasks(request: HttpRequest) -> HttpResponse:
    """Background tasks left running past their lease or failed (system administrators only)."""
    if not getattr(request.user, "has_role", lambda *_: False)(Role.ADMIN):
        return error_response(request, NotFound())
    return render(request, "core/stalled_tasks.html", {"rows": stalled(), "lease": int(lease_seconds())})
