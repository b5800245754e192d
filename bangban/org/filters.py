"""One filter per list, shared by the pages and the API: parsed from query parameters, applied to a
queryset that the access module has already scoped."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from .models import Region, RegionLevel, SiteLevel, Unit, UnitType
from .pinyin import is_initials_query


def _text(params: Mapping[str, Any], key: str, limit: int = 60) -> str:
    value = params.get(key) or ""
    return str(value).strip()[:limit]


def _choice(params: Mapping[str, Any], key: str, choices: list[str]) -> str:
    value = _text(params, key)
    return value if value in choices else ""


def _active(params: Mapping[str, Any]) -> str:
    return _choice(params, "active", ["1", "0"])


@dataclass(frozen=True)
class RegionFilter:
    q: str = ""
    level: str = ""
    parent: str = ""  # code of the parent: its direct sub-regions
    active: str = ""  # "1" in use, "0" deactivated, "" both

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> RegionFilter:
        return cls(
            q=_text(params, "q"),
            level=_choice(params, "level", list(RegionLevel.values)),
            parent=_text(params, "parent", 12),
            active=_active(params),
        )

    @property
    def is_filtered(self) -> bool:
        return bool(self.q or self.level or self.parent or self.active)

    def apply(self, qs: QuerySet[Region]) -> QuerySet[Region]:
        if self.q:
            qs = qs.filter(Q(name__icontains=self.q) | Q(code__startswith=self.q))
        if self.level:
            qs = qs.filter(level=self.level)
        if self.parent:
            qs = qs.filter(parent__code=self.parent)
        if self.active:
            qs = qs.filter(is_active=self.active == "1")
        return qs


@dataclass(frozen=True)
class UnitFilter:
    q: str = ""
    type: str = ""
    region: str = ""  # a region code: units of that region and everything below it
    site_level: str = ""
    active: str = ""

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> UnitFilter:
        return cls(
            q=_text(params, "q"),
            type=_choice(params, "type", list(UnitType.values)),
            region=_text(params, "region", 12),
            site_level=_choice(params, "site_level", list(SiteLevel.values)),
            active=_active(params),
        )

    @property
    def is_filtered(self) -> bool:
        return bool(self.q or self.type or self.region or self.site_level or self.active)

    def apply(self, qs: QuerySet[Unit]) -> QuerySet[Unit]:
        if self.q:
            found = Q(name__icontains=self.q) | Q(short_name__icontains=self.q) | Q(code__icontains=self.q)
            if is_initials_query(self.q):
                # 「sysp」 → 沭阳县行政审批局 (pinyin.py, lookups.py)
                found |= Q(initials__in_order=self.q) | Q(short_initials__in_order=self.q)
            qs = qs.filter(found)
        if self.type:
            qs = qs.filter(type=self.type)
        if self.site_level:
            qs = qs.filter(site_level=self.site_level)
        if self.region:
            path = Region.objects.filter(code=self.region).values_list("path", flat=True).first()
            qs = qs.filter(region__path__startswith=path) if path else qs.none()
        if self.active:
            qs = qs.filter(is_active=self.active == "1")
        return qs
