"""Models of 帮办代办 (R2.1): service sites at the four levels 市/县/乡镇/村, the roster of each site's
fixed 帮办代办员, the services they give (咨询解答, 导服导办, 全程帮办, 免费代办), the 代办 they take on
as tracked work (steps, materials handed over and returned, the enterprise's confirmation) and the
link from a service to the 好差评 rating it received. No business logic: see actions/."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q

from bangban.org.models import SiteLevel

MATTER_MAX = 200
NOTE_MAX = 500
NAME_MAX = 120


def new_rating_key() -> str:
    return secrets.token_urlsafe(12)


class Site(models.Model):
    """A 帮办代办 service site (服务站点) of one level, in one region (行政区划)."""

    name = models.CharField("站点名称", max_length=80)
    level = models.CharField("层级", max_length=10, choices=SiteLevel.choices)
    region = models.ForeignKey(
        "org.Region", verbose_name="所属区划", on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name="所在政务服务场所",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    address = models.CharField("地址", max_length=200, blank=True)
    phone = models.CharField("联系电话", max_length=30, blank=True)
    is_active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("创建时间")
    version = models.PositiveIntegerField("版本", default=1, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "帮办代办站点"
        ordering = ["region__path", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="assist_site_region_name")]

    def __str__(self) -> str:
        return self.name


class RosterEntry(models.Model):
    """A fixed 帮办代办员 of a site from `start_on`, until `end_on` (removed from the roster)."""

    site = models.ForeignKey(Site, verbose_name="站点", on_delete=models.PROTECT, related_name="roster")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="帮办代办员", on_delete=models.PROTECT, related_name="+"
    )
    start_on = models.DateField("到岗日期")
    end_on = models.DateField("离岗日期", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    version = models.PositiveIntegerField("版本", default=1, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "帮办代办员名册"
        ordering = ["site_id", "end_on", "start_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "user"], condition=Q(end_on__isnull=True), name="assist_roster_one_open"
            )
        ]

    def __str__(self) -> str:
        return f"{self.site_id}/{self.user_id}"


class ServiceType(models.TextChoices):
    CONSULT = "consult", "咨询解答"
    GUIDE = "guide", "导服导办"
    ACCOMPANY = "accompany", "全程帮办"
    PROXY = "proxy", "免费代办"


class Outcome(models.TextChoices):
    DONE = "done", "办结"
    TRANSFERRED = "transferred", "转办"
    UNFINISHED = "unfinished", "未办结"


class ServiceRecord(models.Model):
    """One service given by a 帮办代办员 to an enterprise (registered, or named in free text)."""

    site = models.ForeignKey(Site, verbose_name="站点", on_delete=models.PROTECT, related_name="records")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="帮办代办员", on_delete=models.PROTECT, related_name="+"
    )
    service_type = models.CharField("服务类型", max_length=12, choices=ServiceType.choices)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="企业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    enterprise_name = models.CharField("企业名称", max_length=NAME_MAX)
    matter = models.CharField("事项", max_length=MATTER_MAX)
    started_at = models.DateTimeField("开始时间")
    ended_at = models.DateTimeField("结束时间")
    minutes = models.PositiveIntegerField("用时（分钟）")
    outcome = models.CharField("结果", max_length=12, choices=Outcome.choices)
    outcome_note = models.CharField("结果说明", max_length=NOTE_MAX, blank=True)
    rating_key = models.CharField(
        "评价码", max_length=24, unique=True, default=new_rating_key, editable=False
    )
    created_at = models.DateTimeField("登记时间")
    version = models.PositiveIntegerField("版本", default=1, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "帮办服务记录"
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["officer", "started_at"], name="assist_record_officer"),
            models.Index(fields=["site", "started_at"], name="assist_record_site_month"),
        ]
        constraints = [
            models.CheckConstraint(
                name="assist_record_ends_after_start", condition=Q(ended_at__gt=models.F("started_at"))
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_service_type_display()} {self.enterprise_name} {self.matter}"


class ErrandStatus(models.TextChoices):
    ACCEPTED = "accepted", "受理"
    IN_PROGRESS = "in_progress", "办理中"
    AWAITING = "awaiting", "待企业确认"
    DONE = "done", "办结"
    TERMINATED = "terminated", "终止"


class Confirmation(models.TextChoices):
    ONLINE = "online", "企业在线确认"
    PAPER = "paper", "纸质签字确认"


class Errand(models.Model):
    """A 代办: work a site takes on for an enterprise, tracked until the enterprise confirms it done."""

    number = models.CharField("代办编号", max_length=24, unique=True)
    site = models.ForeignKey(Site, verbose_name="站点", on_delete=models.PROTECT, related_name="errands")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="代办员", on_delete=models.PROTECT, related_name="+"
    )
    record = models.ForeignKey(
        ServiceRecord,
        verbose_name="来源服务记录",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="errands",
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="企业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    enterprise_name = models.CharField("企业名称", max_length=NAME_MAX)
    matter = models.CharField("代办事项", max_length=MATTER_MAX)
    status = models.CharField(
        "状态", max_length=12, choices=ErrandStatus.choices, default=ErrandStatus.ACCEPTED, db_index=True
    )
    opened_at = models.DateTimeField("受理时间")
    due_on = models.DateField("承诺办结日期")
    closed_at = models.DateTimeField("办结/终止时间", null=True, blank=True)
    confirmation = models.CharField("企业确认方式", max_length=10, choices=Confirmation.choices, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirm_note = models.CharField("确认说明", max_length=NOTE_MAX, blank=True)
    end_reason = models.CharField("终止原因", max_length=NOTE_MAX, blank=True)
    version = models.PositiveIntegerField("版本", default=1, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "代办事项"
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["site", "opened_at"], name="assist_errand_site_month")]

    def __str__(self) -> str:
        return self.number


class ErrandStep(models.Model):
    """A 办理步骤 line of a 代办's log."""

    errand = models.ForeignKey(Errand, on_delete=models.CASCADE, related_name="steps")
    text = models.CharField("办理情况", max_length=NOTE_MAX)
    at = models.DateTimeField("时间")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "办理步骤"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.text[:40]


class Handover(models.Model):
    """材料交接: a document the enterprise handed over for a 代办, and when it was returned."""

    errand = models.ForeignKey(Errand, on_delete=models.CASCADE, related_name="handovers")
    name = models.CharField("材料名称", max_length=NAME_MAX)
    count = models.PositiveSmallIntegerField("份数")
    handed_at = models.DateTimeField("交接时间")
    returned_at = models.DateTimeField("退还时间", null=True, blank=True)
    version = models.PositiveIntegerField("版本", default=1, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "材料交接"
        ordering = ["handed_at", "id"]

    def __str__(self) -> str:
        return f"{self.name} ×{self.count}"


class RecordRating(models.Model):
    """The 好差评 rating (ratings.Rating) an enterprise gave one service record, through its QR/link."""

    record = models.OneToOneField(ServiceRecord, on_delete=models.PROTECT, related_name="rating_link")
    rating = models.OneToOneField("ratings.Rating", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("评价时间")

    class Meta:
        verbose_name = verbose_name_plural = "帮办服务评价"

    def __str__(self) -> str:
        return f"{self.record_id} → {self.rating_id}"
