"""局长跑现场、走流程 (R2.5): a unit head walks one of the unit's services himself — as an
applicant, as the window clerk or alongside an applicant — and records what he did, how long it
took and what went wrong. Each problem found (发现问题) is either made a rectification item
(整改事项: an owner unit, a responsible person and a deadline, followed until the unit head has
verified what changed) or handed to the case system as a case (诉求). A run is closed (已销号) once
every problem is dealt with and every item verified."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class RunKind(models.TextChoices):
    EXPERIENCE = "experience", "体验"
    CHECK = "check", "体检"


class RunRole(models.TextChoices):
    APPLICANT = "applicant", "以申请人身份"
    WINDOW = "window", "以窗口人员身份"
    ESCORT = "escort", "陪同办理"


class RunStatus(models.TextChoices):
    BOOKED = "booked", "已预约"
    DONE = "done", "已完成"
    RECTIFYING = "rectifying", "整改中"
    CLOSED = "closed", "已销号"
    CANCELLED = "cancelled", "已取消"


class ItemStatus(models.TextChoices):
    OPEN = "open", "整改中"
    REPORTED = "reported", "整改完成待核验"
    VERIFIED = "verified", "已核验销项"


class Run(models.Model):
    """One run: booked by a unit head, recorded by him after the run."""

    number = models.CharField("编号", max_length=20, unique=True)
    unit = models.ForeignKey("org.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    runner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="跑现场人", on_delete=models.PROTECT, related_name="+"
    )
    planned_on = models.DateField("计划日期", db_index=True)
    service = models.CharField("办理事项", max_length=120)
    place = models.CharField("大厅或现场", max_length=120)
    kind = models.CharField("方式", max_length=12, choices=RunKind.choices)
    role = models.CharField("身份", max_length=12, choices=RunRole.choices)
    status = models.CharField("状态", max_length=12, choices=RunStatus.choices, default=RunStatus.BOOKED)
    done_on = models.DateField("跑现场日期", null=True, blank=True, db_index=True)
    steps = models.TextField("办理环节", blank=True)
    minutes = models.PositiveIntegerField("用时（分钟）", null=True, blank=True)
    no_problem = models.BooleanField("未发现问题", default=False)
    checked = models.TextField("检查内容", blank=True)
    cancel_reason = models.TextField("取消原因", blank=True)
    booked_at = models.DateTimeField("预约时间")
    recorded_at = models.DateTimeField("记录时间", null=True, blank=True)
    closed_at = models.DateTimeField("销号时间", null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-planned_on", "-pk"]
        indexes = [models.Index(fields=["unit", "planned_on"], name="fieldruns_run_unit_day")]
        verbose_name = "跑现场记录"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.number} {self.service}"

    @property
    def run_on(self) -> object:
        """The day of the run: when it was done, else when it is planned."""
        return self.done_on or self.planned_on


class Finding(models.Model):
    """One problem found on a run. `case` is set when it was handed to the case system."""

    run = models.ForeignKey(Run, verbose_name="跑现场记录", on_delete=models.CASCADE, related_name="findings")
    seq = models.PositiveSmallIntegerField("序号")
    text = models.TextField("发现问题")
    case = models.ForeignKey(
        "tickets.Ticket",
        verbose_name="诉求",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["run", "seq"]
        constraints = [models.UniqueConstraint(fields=["run", "seq"], name="fieldruns_finding_seq")]
        verbose_name = "发现问题"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.run.number}-{self.seq}"


class Item(models.Model):
    """A rectification item (整改事项) made of one finding."""

    run = models.ForeignKey(Run, verbose_name="跑现场记录", on_delete=models.CASCADE, related_name="items")
    finding = models.OneToOneField(
        Finding, verbose_name="发现问题", on_delete=models.CASCADE, related_name="item"
    )
    owner_unit = models.ForeignKey(
        "org.Unit", verbose_name="责任单位", on_delete=models.PROTECT, related_name="+"
    )
    owner_person = models.CharField("责任人", max_length=50)
    requirement = models.TextField("整改要求", blank=True)
    deadline = models.DateField("整改时限", db_index=True)
    status = models.CharField("状态", max_length=12, choices=ItemStatus.choices, default=ItemStatus.OPEN)
    change = models.TextField("整改情况", blank=True)
    done_on = models.DateField("整改完成日期", null=True, blank=True)
    verify_note = models.TextField("核验意见", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="交办人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("交办时间")
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verified_at = models.DateTimeField("核验时间", null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = "整改事项"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.run.number} 整改事项 {self.finding.seq}"
