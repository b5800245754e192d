"""Filters of the account lists, shared by the pages and any API: parsed from query parameters and
applied to a queryset the access module has already scoped."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from .models import ApiToken, User
from .roles import Role

USER_STATUSES = {"active": "启用", "inactive": "已停用", "locked": "已锁定"}
TOKEN_STATUSES = {"usable": "有效", "expired": "已过期", "revoked": "已吊销"}


def _text(params: Mapping[str, Any], key: str, limit: int = 60) -> str:
    return str(params.get(key) or "").strip()[:limit]


def _int(params: Mapping[str, Any], key: str) -> int | None:
    try:
        return int(str(params.get(key) or ""))
    except ValueError:
        return None


@dataclass(frozen=True)
class UserFilter:
    q: str = ""
    role: str = ""
    unit: int | None = None
    status: str = ""

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> UserFilter:
        role = _text(params, "role")
        status = _text(params, "status")
        return cls(
            q=_text(params, "q"),
            role=role if role in Role.values else "",
            unit=_int(params, "unit"),
            status=status if status in USER_STATUSES else "",
        )

    @property
    def is_filtered(self) -> bool:
        return bool(self.q or self.role or self.unit or self.status)

    def apply(self, qs: QuerySet[User], now: dt.datetime) -> QuerySet[User]:
        if self.q:
            qs = qs.filter(
                Q(username__icontains=self.q)
                | Q(full_name__icontains=self.q)
                | Q(unit__name__icontains=self.q)
                | Q(unit__short_name__icontains=self.q)
                | Q(enterprise__name__icontains=self.q)
            )
        if self.role:
            # A subquery rather than a join: no duplicate rows, so no DISTINCT over the whole table.
            holders = User.roles.through.objects.filter(rolerecord_id=self.role).values("user_id")
            qs = qs.filter(pk__in=holders)
        if self.unit:
            qs = qs.filter(unit_id=self.unit)
        if self.status == "active":
            qs = qs.filter(is_active=True)
        elif self.status == "inactive":
            qs = qs.filter(is_active=False)
        elif self.status == "locked":
            qs = qs.filter(locked_until__gt=now)
        return qs


@dataclass(frozen=True)
class TokenFilter:
    q: str = ""
    status: str = ""

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> TokenFilter:
        status = _text(params, "status")
        return cls(q=_text(params, "q"), status=status if status in TOKEN_STATUSES else "")

    @property
    def is_filtered(self) -> bool:
        return bool(self.q or self.status)

    def apply(self, qs: QuerySet[ApiToken], now: dt.datetime) -> QuerySet[ApiToken]:
        if self.q:
            qs = qs.filter(
                Q(name__icontains=self.q)
                | Q(key_prefix__startswith=self.q)
                | Q(user__username__icontains=self.q)
                | Q(user__full_name__icontains=self.q)
            )
        if self.status == "revoked":
            qs = qs.filter(revoked_at__isnull=False)
        elif self.status == "expired":
            qs = qs.filter(revoked_at__isnull=True, expires_at__lte=now)
        elif self.status == "usable":
            qs = qs.filter(revoked_at__isnull=True).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        return qs
