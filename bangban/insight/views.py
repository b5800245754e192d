"""The 智能分派 page (营商办, administrators): the active routing model and its versions, the last
training, 「立即训练」, the pre-fill threshold, and adoption and accuracy per month."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from bangban.core.errors import REFUSALS, ApplicationError
from bangban.core.views import page_errors

from . import actions, queries
from .access import require_manager

PAGE = "/insight/routing/"


def _do(request: HttpRequest, run: Callable[[], Any], done: str) -> HttpResponse:
    try:
        run()
    except REFUSALS:
        raise
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect(PAGE)


def _version(value: str | None) -> int | None:
    """The version the form carried; none (or garbage) compares nothing, as the API's optional one."""
    try:
        return int(value) if value else None
    except ValueError:
        return None


@login_required
@require_GET
@page_errors
def routing(request: HttpRequest) -> HttpResponse:
    require_manager(request.user)
    now = timezone.now()
    context = queries.routing_state(now)
    context["months"] = queries.monthly_figures(now)
    return render(request, "insight/routing.html", context)


@login_required
@require_POST
@page_errors
def train(request: HttpRequest) -> HttpResponse:
    require_manager(request.user)
    return _do(
        request,
        lambda: actions.do_request_training(acting_user=request.user, now=timezone.now()),
        "已开始训练，完成后本页显示结果",
    )


@login_required
@require_POST
@page_errors
def settings(request: HttpRequest) -> HttpResponse:
    require_manager(request.user)
    return _do(
        request,
        lambda: actions.do_update_settings(
            acting_user=request.user,
            min_confidence=request.POST.get("min_confidence"),
            version=_version(request.POST.get("version")),
            now=timezone.now(),
        ),
        "已保存智能分派设置",
    )
