"""Data of the insight app: routing models trained from the city's own closed cases, the
suggestions they made and what the dispatcher finally chose, and the routing settings."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class RoutingSettings(models.Model):
    """The single row (pk = 1) of the routing suggestion's settings."""

    min_confidence = models.FloatField(
        "预填最低置信度",
        default=0.6,
        help_text="建议的置信度低于此值时只显示、不预填派单表单（0–1）",
    )
    version = models.PositiveIntegerField("版本", default=1)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "智能分派设置"

    def __str__(self) -> str:
        return f"预填最低置信度 {self.min_confidence:.2f}"


class TrainingState(models.TextChoices):
    IDLE = "idle", "空闲"
    QUEUED = "queued", "排队中"
    RUNNING = "running", "训练中"


class RoutingTraining(models.Model):
    """The single row (pk = 1) that lets one training run at a time: a request locks it
    (select_for_update) and is refused unless it is idle; the training sets it back to idle."""

    state = models.CharField("状态", max_length=10, choices=TrainingState.choices, default=TrainingState.IDLE)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField("发起时间", null=True, blank=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    outcome = models.CharField("最近一次结果", max_length=300, blank=True)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = verbose_name_plural = "智能分派训练状态"

    def __str__(self) -> str:
        return self.get_state_display()


class RoutingModel(models.Model):
    """One trained routing model. `holdout_score` is its accuracy on the most recent closed cases,
    held back from its training; it replaces the active model only when it does better on them
    than the active one (`active_score`, measured on the same cases)."""

    version = models.PositiveIntegerField("版本号", unique=True)
    trained_at = models.DateTimeField("训练时间")
    trained_on = models.PositiveIntegerField("训练案例数")
    holdout_cases = models.PositiveIntegerField("留出验证案例数")
    holdout_score = models.FloatField("留出验证准确率")
    category_score = models.FloatField("分类准确率", null=True, blank=True)
    unit_score = models.FloatField("主办单位准确率", null=True, blank=True)
    active_score = models.FloatField("当时启用模型的留出准确率", null=True, blank=True)
    is_active = models.BooleanField("启用", default=False)
    note = models.CharField("说明", max_length=300, blank=True)
    blob = models.BinaryField("模型数据", editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "智能分派模型"
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=models.Q(is_active=True), name="routing_one_active_model"
            )
        ]

    def __str__(self) -> str:
        return f"模型 v{self.version}"


class RoutingSuggestion(models.Model):
    """What the active model suggested for a case at its dispatch, and what the dispatcher chose.
    One row per case; a case dispatched again (after a return) records its latest dispatch."""

    ticket = models.OneToOneField(
        "tickets.Ticket", verbose_name="诉求", on_delete=models.CASCADE, related_name="routing_suggestion"
    )
    model_version = models.PositiveIntegerField("模型版本")
    category = models.ForeignKey(
        "tickets.Category",
        verbose_name="建议分类",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    category_confidence = models.FloatField("分类置信度", default=0)
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name="建议主办单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    unit_confidence = models.FloatField("单位置信度", default=0)
    reasons = models.JSONField("依据词", default=list)
    prefilled = models.BooleanField("已预填", default=False)
    final_category = models.ForeignKey(
        "tickets.Category",
        verbose_name="最终分类",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    final_unit = models.ForeignKey(
        "org.Unit",
        verbose_name="最终主办单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    category_adopted = models.BooleanField("分类被采纳", default=False)
    unit_adopted = models.BooleanField("单位被采纳", default=False)
    adopted = models.BooleanField("建议被采纳", default=False, help_text="分类和主办单位都与建议一致")
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="派单员",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    dispatched_at = models.DateTimeField("派单时间", db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "智能分派建议"

    def __str__(self) -> str:
        return f"{self.ticket_id}：{'采纳' if self.adopted else '未采纳'}"


# The hotspot models live in their own module; Django finds models through this one.
from .models_hotspots import (  # noqa: E402,F401
    HotspotCase,
    HotspotProblem,
    HotspotRun,
    HotspotTask,
    HotspotTaskCase,
    RunStatus,
    TaskCaseOutcome,
    TaskStatus,
)
