"""Regions (行政区划) and units (单位) — R0.1."""

from __future__ import annotations

from typing import Any

from django.db import models

from .lookups import InOrder
from .pinyin import initials


class RegionLevel(models.TextChoices):
    CITY = "city", "市"
    COUNTY = "county", "县区"
    ZONE = "zone", "功能区"
    TOWNSHIP = "township", "乡镇街道"
    VILLAGE = "village", "村社区"


# Which levels may sit under which (a functional zone hangs off the city, like a county).
ALLOWED_PARENT_LEVELS = {
    RegionLevel.CITY: {None},
    RegionLevel.COUNTY: {RegionLevel.CITY},
    RegionLevel.ZONE: {RegionLevel.CITY},
    RegionLevel.TOWNSHIP: {RegionLevel.COUNTY, RegionLevel.ZONE},
    RegionLevel.VILLAGE: {RegionLevel.TOWNSHIP},
}


class Region(models.Model):
    code = models.CharField("行政区划代码", max_length=12, unique=True)
    name = models.CharField("名称", max_length=60)
    level = models.CharField("层级", max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path of codes ("/321300/321322/"): scoping a user to a region and everything
    # below it is one indexed prefix match, whatever the depth.
    path = models.CharField("层级路径", max_length=120, db_index=True, editable=False)
    official_code = models.BooleanField(
        "国家标准代码", default=True, help_text="否：本地自定义代码（如未列入国标的功能区）"
    )
    is_active = models.BooleanField("启用", default=True)
    version = models.PositiveIntegerField("版本", default=1, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "行政区划"
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def compute_path(self) -> str:
        prefix = self.parent.path if self.parent_id and self.parent else "/"
        return f"{prefix}{self.code}/"

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1


class UnitType(models.TextChoices):
    CITY_DEPARTMENT = "city_department", "市级部门"
    COUNTY_GOVERNMENT = "county_government", "县区政府"
    COUNTY_DEPARTMENT = "county_department", "县区部门"
    ZONE_COMMITTEE = "zone_committee", "功能区管委会"
    TOWNSHIP = "township", "乡镇街道"
    SERVICE_SITE = "service_site", "政务服务场所"


class SiteLevel(models.TextChoices):
    CITY = "city", "市级"
    COUNTY = "county", "县级"
    TOWNSHIP = "township", "乡镇级"
    VILLAGE = "village", "村级"


class Unit(models.Model):
    code = models.SlugField("单位编码", max_length=40, unique=True)
    name = models.CharField("单位名称", max_length=80)
    short_name = models.CharField("简称", max_length=40, blank=True)
    # Kept in step with the name and short name by `save()` (the type-ahead: pinyin.py).
    initials = models.CharField("名称拼音首字母", max_length=80, blank=True, default="", editable=False)
    short_initials = models.CharField("简称拼音首字母", max_length=40, blank=True, default="", editable=False)
    type = models.CharField("单位类型", max_length=20, choices=UnitType.choices)
    site_level = models.CharField(
        "场所层级", max_length=10, choices=SiteLevel.choices, blank=True, help_text="仅政务服务场所填写"
    )
    region = models.ForeignKey(
        Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="units"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="上级单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    duties = models.CharField("职责说明", max_length=200, blank=True)
    phone = models.CharField("联系电话", max_length=30, blank=True)
    is_active = models.BooleanField("启用", default=True)
    version = models.PositiveIntegerField("版本", default=1, editable=False)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "单位"
        ordering = ["region__path", "type", "name"]
        constraints = [
            models.CheckConstraint(
                name="unit_site_level_only_for_sites",
                condition=(models.Q(type="service_site") & ~models.Q(site_level=""))
                | (~models.Q(type="service_site") & models.Q(site_level="")),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.initials, self.short_initials = initials(self.name)[:80], initials(self.short_name)[:40]
        fields = kwargs.get("update_fields")
        if fields is not None and ({"name", "short_name"} & set(fields)):
            kwargs["update_fields"] = [*fields, "initials", "short_initials"]
        super().save(*args, **kwargs)


Unit._meta.get_field("initials").register_lookup(InOrder)
Unit._meta.get_field("short_initials").register_lookup(InOrder)
