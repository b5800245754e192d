"""The 免罚轻罚清单 (R9.2) kept by 司法局, its .xlsx imports, and the register of decisions the
首违不罚 decision aid helps inspectors make.

A catalogue item is never edited: a new wording of an item is a new revision (same code, revision
+ 1) and the old revision stops being current. Decisions cite the revision they were made under,
so what a decision cites never changes under it."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Discretion(models.TextChoices):
    """How far the catalogue lets an item be treated leniently (the most lenient outcome allowed)."""

    NO_PENALTY = "no_penalty", "不予处罚"
    REDUCED = "reduced", "减轻处罚"
    LIGHTER = "lighter", "从轻处罚"


class Outcome(models.TextChoices):
    NO_PENALTY = "no_penalty", "不予处罚"
    REDUCED = "reduced", "减轻处罚"
    LIGHTER = "lighter", "从轻处罚"
    PENALTY = "penalty", "依法处罚"


class CatalogueItem(models.Model):
    """One revision of one item of the 免罚轻罚清单."""

    code = models.CharField("编号", max_length=30)
    revision = models.PositiveIntegerField("修订版次", default=1)
    is_current = models.BooleanField("现行", default=True)
    field = models.CharField("领域", max_length=40)
    behaviour = models.CharField("违法行为", max_length=300)
    violated_basis = models.TextField("违法依据")
    penalty_basis = models.TextField("处罚依据")
    conditions = models.TextField("适用情形")
    discretion = models.CharField("裁量", max_length=12, choices=Discretion.choices)
    unit = models.ForeignKey("org.Unit", verbose_name="所属单位", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("录入时间")
    retired_at = models.DateTimeField("停用时间", null=True, blank=True)

    class Meta:
        ordering = ["field", "code", "-revision"]
        constraints = [
            models.UniqueConstraint(fields=["code", "revision"], name="leniency_item_code_revision"),
            models.UniqueConstraint(
                fields=["code"], condition=models.Q(is_current=True), name="leniency_item_one_current"
            ),
        ]
        verbose_name = "免罚轻罚清单事项"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.code} {self.behaviour}"


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", "待确认"
    APPLIED = "applied", "已导入"
    CANCELLED = "cancelled", "已取消"


class CatalogueImport(models.Model):
    """An uploaded .xlsx, checked row by row and kept until its uploader confirms or cancels it.
    Nothing reaches the catalogue before confirmation."""

    file_name = models.CharField("文件名", max_length=200)
    status = models.CharField(
        "状态", max_length=10, choices=ImportStatus.choices, default=ImportStatus.PREVIEWED
    )
    rows = models.JSONField("逐行检查结果", default=list)
    new_count = models.PositiveIntegerField("新增", default=0)
    update_count = models.PositiveIntegerField("更新", default=0)
    same_count = models.PositiveIntegerField("无变化", default=0)
    error_count = models.PositiveIntegerField("有误", default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("上传时间")
    applied_at = models.DateTimeField("导入时间", null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "免罚轻罚清单导入"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return self.file_name


class Review(models.TextChoices):
    DECIDED = "decided", "已决定"
    APPROVED = "approved", "审查通过"
    CORRECTED = "corrected", "审查纠正"


class Decision(models.Model):
    """One case decided with the aid: the facts the inspector answered, what the aid proposed and
    why, what was decided, by whom, and 司法局's review."""

    number = models.CharField("决定编号", max_length=30, unique=True)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name="企业", on_delete=models.PROTECT, related_name="+"
    )
    item = models.ForeignKey(
        CatalogueItem, verbose_name="清单事项", on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey("org.Unit", verbose_name="执法单位", on_delete=models.PROTECT, related_name="+")
    case_date = models.DateField("违法行为发现日期", db_index=True)
    facts = models.JSONField("案件事实", default=dict)
    narrative = models.TextField("案情简述")
    prior_count = models.PositiveIntegerField("近两年违法记录", default=0)
    proposal = models.CharField("系统建议", max_length=12, choices=Outcome.choices)
    proposal_rule = models.CharField("适用规则", max_length=20)
    proposal_reasons = models.JSONField("建议理由", default=list)
    outcome = models.CharField("决定", max_length=12, choices=Outcome.choices)
    deviated = models.BooleanField("偏离建议", default=False)
    reason = models.TextField("决定理由", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="决定人", on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("决定时间", db_index=True)
    status = models.CharField("审查状态", max_length=10, choices=Review.choices, default=Review.DECIDED)
    review_note = models.TextField("审查意见", blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField("审查时间", null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-decided_at", "-pk"]
        indexes = [
            models.Index(fields=["enterprise", "case_date"], name="leniency_dec_ent_date"),
            models.Index(fields=["unit", "decided_at"], name="leniency_dec_unit_time"),
        ]
        verbose_name = "免罚轻罚决定"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return self.number
