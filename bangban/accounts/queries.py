"""Reads for the account pages: relations joined, roles prefetched, one query per list."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from .access import visible_tokens, visible_users
from .filters import TokenFilter, UserFilter
from .models import ApiToken, User


def user_list(user: Any, filters: UserFilter, now: dt.datetime) -> QuerySet[User]:
    return (
        filters.apply(visible_users(user), now)
        .select_related("unit", "enterprise")
        .prefetch_related("roles")
        .order_by("username")
    )


def token_list(user: Any, filters: TokenFilter, now: dt.datetime) -> QuerySet[ApiToken]:
    return (
        filters.apply(visible_tokens(user), now)
        .select_related("user", "created_by")
        .order_by("-created_at", "-id")
    )


def tokens_of(user: Any, owner: User) -> QuerySet[ApiToken]:
    return visible_tokens(user).filter(user=owner).select_related("created_by").order_by("-created_at", "-id")


def token_status(token: ApiToken, now: dt.datetime) -> str:
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is not None and token.expires_at <= now:
        return "expired"
    return "usable"
