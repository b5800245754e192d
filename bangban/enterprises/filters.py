"""The one filter of the enterprise list, shared by the page, the Excel export and the API.

`EnterpriseFilter(data, user)` reads a plain mapping (`request.GET` or the API's query), keeps the
values it understands in `cleaned`, and puts a Chinese message per bad value in `errors`; a bad
value never filters anything (the page shows the message, the API and the export refuse with
`invalid_filter`). `apply()` narrows `visible_enterprises(user)`, so no filter can widen a scope.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from django.db.models import Q, QuerySet

from bangban.core.errors import ValidationFailed
from bangban.org.models import Region

from .access import region_in_scope, visible_enterprises
from .models import Enterprise, Industry, Scale, Tier
from .uscc import is_valid_uscc, normalize_uscc

MAX_QUERY_LENGTH = 100
_CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")

ACTIVE_CHOICES = {"1": True, "true": True, "0": False, "false": False}


class EnterpriseFilter:
    fields = ("q", "region", "tier", "industry", "scale", "is_active")

    def __init__(self, data: Mapping[str, Any] | None, user: Any) -> None:
        self.user = user
        self.data = data or {}
        self.cleaned: dict[str, Any] = {}
        self.errors: dict[str, str] = {}
        self.region: Region | None = None
        self._clean()

    # --- parsing --------------------------------------------------------------------------------

    def _value(self, name: str) -> str:
        raw = self.data.get(name)
        if isinstance(raw, list | tuple):
            raw = raw[-1] if raw else ""
        return "" if raw is None else str(raw).strip()

    def _clean(self) -> None:
        q = self._value("q")
        if q:
            if len(q) > MAX_QUERY_LENGTH:
                self.errors["q"] = f"搜索内容不能超过{MAX_QUERY_LENGTH}个字"
            else:
                self.cleaned["q"] = q

        region = self._value("region")
        if region:
            found = Region.objects.filter(code=region).only("id", "code", "name", "path").first()
            if found is None or not region_in_scope(self.user, found.path):
                self.errors["region"] = f"区划“{region[:20]}”不存在或不在您的查看范围内"
            else:
                self.region = found
                self.cleaned["region"] = found.code

        for name, choices in (("tier", Tier), ("industry", Industry), ("scale", Scale)):
            value = self._value(name)
            if not value:
                continue
            if name == "industry":
                value = value.upper()
            if value in choices.values:
                self.cleaned[name] = value
            else:
                label = {"tier": "企业层级", "industry": "行业门类", "scale": "企业规模"}[name]
                allowed = "、".join(str(v) for v in choices.values)
                self.errors[name] = f"{label}“{value[:20]}”无效，可选值：{allowed}"

        active = self._value("is_active").lower()
        if active:
            if active in ACTIVE_CHOICES:
                self.cleaned["is_active"] = ACTIVE_CHOICES[active]
            else:
                self.errors["is_active"] = "存续状态无效，可选值：1（存续）、0（已注销）"

    # --- use ------------------------------------------------------------------------------------

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def raise_for_errors(self) -> None:
        if self.errors:
            raise ValidationFailed(
                "筛选条件有误：" + "；".join(self.errors.values()),
                code="invalid_filter",
                details=[{"field": k, "message": v} for k, v in self.errors.items()],
            )

    def filter(self, qs: QuerySet[Enterprise]) -> QuerySet[Enterprise]:
        c = self.cleaned
        if "q" in c:
            qs = qs.filter(self._text_condition(c["q"]))
        if self.region is not None:
            qs = qs.filter(region__path__startswith=self.region.path)
        for name in ("tier", "industry", "scale", "is_active"):
            if name in c:
                qs = qs.filter(**{name: c[name]})
        return qs

    @staticmethod
    def _text_condition(text: str) -> Q:
        """A complete valid code finds its enterprise through the unique index; text with Chinese
        characters can only be part of a name; anything else may be part of either."""
        code = normalize_uscc(text)
        if is_valid_uscc(code):
            return Q(uscc=code)
        if _CJK_RE.search(text) or not code:
            return Q(name__icontains=text)
        return Q(name__icontains=text) | Q(uscc__contains=code)

    def apply(self) -> QuerySet[Enterprise]:
        """The user's visible enterprises narrowed by every valid filter value."""
        return self.filter(visible_enterprises(self.user))

    def as_params(self) -> dict[str, str]:
        """The valid filters as query parameters (for export links and the audit log)."""
        params: dict[str, str] = {}
        for name in self.fields:
            if name not in self.cleaned:
                continue
            value = self.cleaned[name]
            params[name] = ("1" if value else "0") if isinstance(value, bool) else str(value)
        return params

    def querystring(self) -> str:
        return urlencode(self.as_params())
