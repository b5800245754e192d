"""Typing helpers for views: behind `login_required`, `request.user` is the site's user model."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

if TYPE_CHECKING:
    # The mypy plugin of django-stubs reads this alias as `settings.AUTH_USER_MODEL`; the kernel
    # names no app.
    from django.contrib.auth.models import _User


class AuthedHttpRequest(HttpRequest):
    user: _User  # type: ignore[assignment]


def safe_next(request: HttpRequest, default: str, *, value: str | None = None) -> str:
    """The `next` a form posted (or `value`), if it is a URL of this site; otherwise `default`.
    Every redirect to a user-supplied address goes through here or Django's
    `url_has_allowed_host_and_scheme`, so no link can bounce a user to another site."""

    target = request.POST.get("next", "") if value is None else value
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default
