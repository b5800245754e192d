"""The service network around each enterprise (R3, R4): which officer (帮办专员/驻厂员) serves it and
since when, every contact and on-site visit, the enterprise's 工作联络员 who confirms visits (核验),
the enterprise's rating of its officer, and bulk assignment batches. No business logic here:
changes go through `actions.py`."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from bangban.core.satisfaction import Satisfaction


class Assignment(models.Model):
    """One officer serving one enterprise for a span of time. A change of officer (动态调整) ends
    the current row (`ended_on`) and starts a new one: rows are never overwritten, so the history
    of an enterprise is the list of its rows. At most one current officer per enterprise; an
    officer may serve one or many enterprises (一对一、一对多)."""

    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="帮办专员", on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name="企业", on_delete=models.PROTECT, related_name="+"
    )
    started_on = models.DateField("挂钩开始日期")
    ended_on = models.DateField("挂钩结束日期", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    end_reason = models.CharField("调整原因", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="安排人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("安排时间", auto_now_add=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="调整人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.PositiveIntegerField("版本", default=1, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "挂钩安排"
        ordering = ["-started_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=models.Q(ended_on__isnull=True),
                name="network_one_current_officer",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=models.F("started_on")),
                name="network_assignment_span",
            ),
        ]
        indexes = [
            models.Index(fields=["officer", "ended_on"], name="network_assign_officer"),
            models.Index(fields=["enterprise", "-started_on"], name="network_assign_enterprise"),
        ]

    def __str__(self) -> str:
        return f"{self.officer} → {self.enterprise}"

    @property
    def is_current(self) -> bool:
        return self.ended_on is None


class ContactKind(models.TextChoices):
    PHONE = "phone", "电话"
    VISIT = "visit", "上门走访"
    WECHAT = "wechat", "微信"
    ONLINE = "online", "线上平台"


class Verification(models.TextChoices):
    NOT_REQUIRED = "not_required", "无需核验"
    PENDING = "pending", "待企业确认"
    CONFIRMED = "confirmed", "企业已确认"
    DISPUTED = "disputed", "企业有异议"


class Contact(models.Model):
    """One contact of an officer with an enterprise; `kind=visit` is an on-site visit, which the
    enterprise's 工作联络员 confirms or disputes (核验). A leader's visit (R4.1) is a visit with
    `is_leader_visit`, naming the leader and what was delivered."""

    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name="企业", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("联系方式", max_length=10, choices=ContactKind.choices)
    contact_on = models.DateField("联系日期")
    summary = models.TextField("联系情况", max_length=2000)
    raised = models.TextField("企业反映的问题或需求", max_length=2000, blank=True)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name="转办诉求",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_leader_visit = models.BooleanField("领导走访", default=False)
    leader_name = models.CharField("走访领导", max_length=50, blank=True)
    leader_title = models.CharField("领导职务", max_length=50, blank=True)
    policies_delivered = models.TextField("送政策", max_length=2000, blank=True)
    services_delivered = models.TextField("送服务", max_length=2000, blank=True)
    verification = models.CharField(
        "核验状态", max_length=15, choices=Verification.choices, default=Verification.NOT_REQUIRED
    )
    verified_at = models.DateTimeField("核验时间", null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="核验人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verification_channel = models.CharField("核验方式", max_length=10, blank=True)
    verification_note = models.CharField("核验意见", max_length=500, blank=True)
    # Where the visit took place (optional): the phone's position when the officer tapped 获取位置,
    # with its accuracy, and the place in words.
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    location_accuracy = models.PositiveIntegerField("定位精度（米）", null=True, blank=True)
    place = models.CharField("地点", max_length=200, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    version = models.PositiveIntegerField("版本", default=1, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "联系走访记录"
        ordering = ["-contact_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["officer", "enterprise", "kind", "contact_on"], name="network_contact_once_a_day"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(latitude__isnull=True, longitude__isnull=True)
                    | models.Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180)
                ),
                name="network_contact_location_range",
            ),
        ]
        indexes = [
            models.Index(fields=["enterprise", "-contact_on"], name="network_contact_enterprise"),
            models.Index(fields=["contact_on", "officer", "enterprise"], name="network_contact_period"),
            models.Index(fields=["verification", "-contact_on"], name="network_contact_verify"),
        ]

    def __str__(self) -> str:
        return f"{self.contact_on} {self.get_kind_display()} {self.enterprise}"


class ContactPhoto(models.Model):
    """A photo taken at a visit (拍照留证): checked by its content (`evidence.check_photos`), stored
    under a random name, served only to those who may see the contact (`views.contact_photo`)."""

    contact = models.ForeignKey(
        Contact, verbose_name="联系走访记录", on_delete=models.CASCADE, related_name="photos"
    )
    file = models.FileField("照片", upload_to="network/visits/%Y/%m/")
    original_name = models.CharField("文件名", max_length=200)
    content_type = models.CharField("类型", max_length=100)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "走访照片"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class Liaison(models.Model):
    """The one 工作联络员 an enterprise names among its own accounts (R3.2)."""

    enterprise = models.OneToOneField(
        "enterprises.Enterprise", verbose_name="企业", on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="工作联络员", on_delete=models.PROTECT, related_name="+"
    )
    named_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="指定人", on_delete=models.PROTECT, related_name="+"
    )
    named_at = models.DateTimeField("指定时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "企业工作联络员"

    def __str__(self) -> str:
        return f"{self.enterprise}：{self.user}"


class OfficerRating(models.Model):
    """The enterprise's rating of its officer's service, at most once per officer per month."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name="企业", on_delete=models.PROTECT, related_name="+"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="帮办专员", on_delete=models.PROTECT, related_name="+"
    )
    month = models.CharField("评价月份", max_length=7)
    level = models.PositiveSmallIntegerField("满意度", choices=Satisfaction.choices)
    comment = models.CharField("评价意见", max_length=500, blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="评价人", on_delete=models.PROTECT, related_name="+"
    )
    rated_at = models.DateTimeField("评价时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "帮办服务评价"
        ordering = ["-rated_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "officer", "month"], name="network_rating_monthly"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} → {self.officer}（{self.month}）"


class BatchStatus(models.TextChoices):
    PREVIEWED = "previewed", "待确认"
    APPLIED = "applied", "已导入"
    CANCELLED = "cancelled", "已取消"


class AssignmentBatch(models.Model):
    """An uploaded assignment sheet: every row checked and shown first (`rows`: one entry per row
    with its outcome or reason), written only when the uploader confirms."""

    status = models.CharField(
        "状态", max_length=10, choices=BatchStatus.choices, default=BatchStatus.PREVIEWED
    )
    file_name = models.CharField("文件名", max_length=200)
    rows = models.JSONField("逐行结果", default=list)
    valid_count = models.PositiveIntegerField("有效行数", default=0)
    invalid_count = models.PositiveIntegerField("有误行数", default=0)
    result = models.JSONField("导入结果", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    applied_at = models.DateTimeField("导入时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "挂钩安排导入批次"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name}（{self.get_status_display()}）"


class LeadReminderKind(models.TextChoices):
    CONTACT = "contact", "月度联系"
    VISIT = "visit", "季度走访"


class LeadReminder(models.Model):
    """A reminder to a lead unit (市工信局 for the city, each county's or zone's lead unit) that
    officers in its area are behind (R3.2, R4.2). The row is the claim: inserted before the
    message is sent, unique per unit, kind and period, so however many workers run the job, a
    unit is reminded once a month (contacts) and once a quarter (visits)."""

    unit = models.ForeignKey("org.Unit", verbose_name="牵头单位", on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("org.Region", verbose_name="区域", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("提醒类型", max_length=10, choices=LeadReminderKind.choices)
    period = models.CharField("期间", max_length=7, help_text="2026-11（月）或 2026Q4（季度）")
    officers_behind = models.PositiveIntegerField("落后专员数", default=0)
    recipients = models.PositiveIntegerField("提醒人数", default=0)
    created_at = models.DateTimeField("提醒时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "牵头单位提醒"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "kind", "period"], name="network_lead_reminder_once"),
        ]

    def __str__(self) -> str:
        return f"{self.unit}：{self.get_kind_display()} {self.period}"


# The 解难帮扶会办会 (R3.3) live in their own module; imported here so Django registers them.
from .models_help import Disposal, HelpItem, HelpItemStatus, HelpMeeting, HelpMeetingStatus  # noqa: E402

__all__ = [
    "Assignment",
    "AssignmentBatch",
    "BatchStatus",
    "Contact",
    "ContactKind",
    "ContactPhoto",
    "Disposal",
    "HelpItem",
    "HelpItemStatus",
    "HelpMeeting",
    "HelpMeetingStatus",
    "LeadReminder",
    "LeadReminderKind",
    "Liaison",
    "OfficerRating",
    "Verification",
]
