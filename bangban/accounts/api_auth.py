"""API token authentication: `Authorization: Bearer <token>` or `X-API-Key: <token>`, checked
against `ApiToken` (the shell gives these to the kernel's NinjaAPI, `bangban.shell.api`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import APIKeyHeader, HttpBearer

from bangban.core import rawsql
from bangban.org.models import Unit

from .models import ApiToken, User, hash_token


def _token_sql() -> str:
    """The token, its user, the user's unit and the user's roles in one statement (one row per
    role): what every API request needs before anything else, without compiling a query."""
    q = rawsql.table
    roles = User._meta.get_field("roles")
    through = User.roles.through._meta
    return (
        f"SELECT {rawsql.columns(ApiToken, 't')}, {rawsql.columns(User, 'u')}, {rawsql.columns(Unit, 'n')}, "
        f'"r"."{roles.m2m_reverse_name()}" '  # type: ignore[attr-defined]
        f'FROM {q(ApiToken)} "t" INNER JOIN {q(User)} "u" ON "u"."id" = "t"."user_id" '
        f'LEFT JOIN {q(Unit)} "n" ON "n"."id" = "u"."unit_id" '
        f'LEFT JOIN "{through.db_table}" "r" ON "r"."{roles.m2m_column_name()}" = "u"."id" '  # type: ignore[attr-defined]
        f'WHERE "t"."key_hash" = %s'
    )


def _token(raw: str) -> ApiToken | None:
    """The token with `user` (its unit and role codes loaded) — one statement."""
    rows = rawsql.fetch(ApiToken, _token_sql(), [hash_token(raw)])
    if not rows:
        return None
    first = rows[0]
    token = rawsql.load(ApiToken, first)
    at = rawsql.width(ApiToken)
    user = rawsql.load(User, first, at)
    at += rawsql.width(User)
    user.unit = rawsql.load(Unit, first, at) if first[at] is not None else None
    user._role_codes = frozenset(row[-1] for row in rows if row[-1] is not None)
    token.user = user
    return token


def user_for_token(raw: str) -> Any:
    token = _token(raw)
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
