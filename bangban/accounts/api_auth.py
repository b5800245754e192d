"""API token authentication: `Authorization: Bearer <token>` or `X-API-Key: <token>`, checked
against `ApiToken` (the shell gives these to the kernel's NinjaAPI, `bangban.shell.api`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import APIKeyHeader, HttpBearer

from .models import ApiToken, hash_token


def user_for_token(raw: str) -> Any:
    token = ApiToken.objects.select_related("user__unit").filter(key_hash=hash_token(raw)).first()
    if token is None or not token.is_usable or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class HeaderToken(APIKeyHeader):
    param_name = "X-API-Key"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if not key:
            return None
        user = user_for_token(key)
        if user is not None:
            request.user = user
        return user
