"""Idle session timeout: a session unused for SESSION_IDLE_SECONDS is ended (R0.4); the second
factor is required before anything else for the roles that must use it."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from .second_factor import is_enrolled, must_verify

SESSION_KEY = "bangban_last_seen"


class IdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(SESSION_KEY)
            if last_seen is not None and now - int(last_seen) > settings.SESSION_IDLE_SECONDS:
                logout(request)
                messages.info(request, "您已长时间未操作，为保护数据安全已自动退出，请重新登录。")
            elif last_seen is None or now - int(last_seen) >= 30:
                # Write at most every 30 s so that idle tracking does not save the session per request.
                request.session[SESSION_KEY] = now
        return self.get_response(request)


class SecondFactorMiddleware:
    """Until a user who must use a second factor has passed it since signing in, pages lead to the
    enrolment or verification step and session API calls answer 403 `second_factor_required`
    (see `second_factor.py`). Requests with an API token carry no session user and pass."""

    EXEMPT = ("/accounts/2fa/", "/accounts/logout/", "/static/", "/healthz")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:

        if request.path.startswith(self.EXEMPT) or not must_verify(request.user):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"code": "second_factor_required", "message": "请先在网页上完成双因素验证"}, status=403
            )
        name = (
            "accounts:second_factor_verify" if is_enrolled(request.user) else "accounts:second_factor_setup"
        )
        target = request.get_full_path() if request.method == "GET" else ""
        query = f"?{urlencode({'next': target})}" if target else ""
        return redirect(reverse(name) + query)
