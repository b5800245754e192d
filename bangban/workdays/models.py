"""The working-day calendar table — R0.3.

`CalendarYear` says which years carry an official calendar (holidays and 调休 make-up workdays);
`CalendarDay` holds the days that differ from the Monday–Friday rule. Both are filled from the
`chinese_calendar` package and editable by administrators, who import next year's calendar when
the State Council publishes it each November. `CalendarVersion` is a one-row stamp that every change
rewrites, so that each process can tell cheaply whether its cached calendar is stale
(`bangban.workdays.service`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", "节假日（休息）"
    WORKDAY = "workday", "调休上班"
    # An administrator removed a day the package declares: the date follows the weekday rule again.
    # The row stays so that reloading the package does not bring the removed day back.
    NORMAL = "normal", "恢复常规"


class CalendarSource(models.TextChoices):
    PACKAGE = "package", "国家法定节假日安排（内置）"
    IMPORT = "import", "管理员导入"
    MANUAL = "manual", "管理员手工维护"


class CalendarYear(models.Model):
    year = models.PositiveSmallIntegerField("年份", primary_key=True)
    source = models.CharField("来源", max_length=10, choices=CalendarSource.choices)
    loaded_at = models.DateTimeField("载入时间", auto_now=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="载入人", null=True, blank=True, on_delete=models.SET_NULL
    )
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "日历年份"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年"


class CalendarDay(models.Model):
    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=10, choices=DayKind.choices)
    name = models.CharField("名称", max_length=40, blank=True, help_text="如：国庆节、春节调休")
    source = models.CharField("来源", max_length=10, choices=CalendarSource.choices)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "日历调整日"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class CalendarVersion(models.Model):
    """One row (pk=1). `token` changes in the same transaction as every change to the calendar."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    token = models.CharField("版本标记", max_length=32)
    changed_at = models.DateTimeField("变更时间")

    class Meta:
        verbose_name = verbose_name_plural = "日历版本"

    def __str__(self) -> str:
        return f"{self.token} @ {self.changed_at:%Y-%m-%d %H:%M:%S}"
