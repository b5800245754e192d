"""Idle session timeout: a session unused for SESSION_IDLE_SECONDS is ended (R0.4)."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

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
