"""Models of ratings (好差评, R2.3), rectification of bad ratings (差评整改, R2.4), follow-up calls
(回访, R6.3) and the monthly re-check (回头看, R6.3, R14.2). No business logic: see actions.py."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q

from bangban.core.satisfaction import Satisfaction


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def new_public_key() -> str:
    return secrets.token_urlsafe(12)


class RatingSettings(models.Model):
    """The adjustable numbers of this app (one row, pk=1)."""

    rectification_workdays = models.PositiveSmallIntegerField("差评限期整改时限（工作日）", default=5)
    max_reopens = models.PositiveSmallIntegerField(
        "回访不满意最多重办次数", default=2, help_text="达到上限后不再重办，标记为需督办"
    )
    recheck_percent = models.PositiveSmallIntegerField("回头看抽样比例（%）", default=10)
    recheck_minimum = models.PositiveIntegerField("回头看最少抽样件数", default=20)
    sms_link_days = models.PositiveSmallIntegerField("短信评价链接有效期（天）", default=7)
    version = models.PositiveIntegerField("版本", default=1, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "好差评参数"

    def __str__(self) -> str:
        return "好差评参数"


class ServiceItem(models.Model):
    """A service offered at a 政务服务场所 (办事事项)."""

    site = models.ForeignKey(
        "org.Unit", verbose_name="服务场所", on_delete=models.PROTECT, related_name="service_items"
    )
    code = models.CharField("事项编码", max_length=40)
    name = models.CharField("事项名称", max_length=120)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "服务事项"
        ordering = ["site_id", "code"]
        constraints = [models.UniqueConstraint(fields=["site", "code"], name="ratings_item_site_code")]

    def __str__(self) -> str:
        return self.name


class Window(models.Model):
    """A counter (窗口) of a service site; its QR code opens the rating page."""

    site = models.ForeignKey(
        "org.Unit", verbose_name="服务场所", on_delete=models.PROTECT, related_name="windows"
    )
    code = models.CharField("窗口编号", max_length=20)
    name = models.CharField("窗口名称", max_length=80)
    public_key = models.CharField(
        "二维码标识", max_length=24, unique=True, default=new_public_key, editable=False
    )
    is_active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    version = models.PositiveIntegerField("版本", default=1, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "窗口"
        ordering = ["site_id", "code"]
        constraints = [models.UniqueConstraint(fields=["site", "code"], name="ratings_window_site_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class RatingDevice(models.Model):
    """A counter rating device (评价器) of a site. Only the hash of its key is stored."""

    PREFIX = "dv_"

    site = models.ForeignKey("org.Unit", verbose_name="服务场所", on_delete=models.PROTECT, related_name="+")
    window = models.ForeignKey(
        Window,
        verbose_name="默认窗口",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="devices",
    )
    name = models.CharField("设备名称", max_length=80)
    reversed_codes = models.BooleanField(
        "按省级接口计分（1=非常不满意）",
        default=False,
        help_text="是：设备上报的代码按 1=非常不满意…5=非常满意换算",
    )
    key_prefix = models.CharField("密钥前缀", max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "评价器"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    @classmethod
    def generate_raw(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)


class SubjectKind(models.TextChoices):
    CASE = "case", "诉求办理"
    SERVICE = "service", "窗口服务"


class RatedSubject(models.Model):
    """What is rated: a case, or one service event at a site (site, window, staff, service item).
    It carries at most one first rating and one follow-up rating (追评)."""

    kind = models.CharField("评价对象", max_length=10, choices=SubjectKind.choices)
    ticket = models.OneToOneField(
        "tickets.Ticket", null=True, blank=True, on_delete=models.CASCADE, related_name="rated_subject"
    )
    unit = models.ForeignKey(
        "org.Unit", verbose_name="责任单位", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    window = models.ForeignKey(Window, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    service_item = models.ForeignKey(
        ServiceItem, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    staff_name = models.CharField("办事人员", max_length=50, blank=True)
    event_ref = models.CharField(
        "办件/排队号", max_length=64, blank=True, help_text="同一场所内唯一：同一次服务不会被计两次"
    )
    created_at = models.DateTimeField("创建时间")

    class Meta:
        verbose_name = verbose_name_plural = "评价对象"
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "event_ref"], condition=~Q(event_ref=""), name="ratings_subject_event_once"
            ),
            models.CheckConstraint(
                name="ratings_subject_case_has_ticket",
                condition=(Q(kind="case") & Q(ticket__isnull=False))
                | (Q(kind="service") & Q(ticket__isnull=True)),
            ),
        ]

    def __str__(self) -> str:
        if self.kind == SubjectKind.CASE:
            return f"诉求 {self.ticket_id}"
        return f"窗口服务 {self.event_ref or self.pk}"


class Stage(models.TextChoices):
    FIRST = "first", "首次评价"
    FOLLOW_UP = "followup", "追评"


class RatingChannel(models.TextChoices):
    DEVICE = "device", "评价器"
    # A window's QR code; before issue #11 also a case's QR code (removed: such case ratings are
    # listed as suspicious on 「评价核查」).
    QR = "qr", "二维码"
    PC = "pc", "PC"
    SMS = "sms", "短信"


class Rating(models.Model):
    subject = models.ForeignKey(RatedSubject, on_delete=models.CASCADE, related_name="ratings")
    stage = models.CharField("评价类别", max_length=10, choices=Stage.choices, default=Stage.FIRST)
    level = models.PositiveSmallIntegerField("评价等级", choices=Satisfaction.choices)
    scores = models.JSONField("分项评价", default=dict, blank=True)
    comment = models.CharField("评价内容", max_length=500, blank=True)
    channel = models.CharField("评价渠道", max_length=10, choices=RatingChannel.choices)
    anonymous = models.BooleanField("匿名", default=False)
    proactive = models.BooleanField("主动评价", default=True, help_text="否：经短信邀请或回访后评价")
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The enterprise's rating of its answered case is also the case's follow-up (回访): the two
    # records of one act are linked, so that figures counting both count it once.
    follow_up = models.OneToOneField(
        "tickets.FollowUp",
        verbose_name="同时记录的回访",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rating",
        editable=False,
    )
    device = models.ForeignKey(
        RatingDevice, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Denormalised from the subject: the monthly figures read ratings by unit and month.
    unit = models.ForeignKey("org.Unit", verbose_name="责任单位", on_delete=models.PROTECT, related_name="+")
    invalidated = models.BooleanField("申诉成立（不计入差评）", default=False)
    created_at = models.DateTimeField("评价时间")
    # 作废: a rating given in breach of the rules (e.g. by the rated unit itself) is kept, marked
    # voided, and no longer counts in any figure (actions.do_void_rating).
    voided_at = models.DateTimeField("作废时间", null=True, blank=True, editable=False)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="作废人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    void_reason = models.CharField("作废理由", max_length=500, blank=True, editable=False)
    version = models.PositiveIntegerField("版本", default=1, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "评价"
        ordering = ["-created_at", "-id"]
        # One first rating and one 追评 per subject; a voided rating (作废) does not take its stage.
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "stage"], condition=Q(voided_at__isnull=True), name="ratings_one_per_stage"
            )
        ]
        indexes = [models.Index(fields=["unit", "created_at"], name="ratings_unit_month")]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} {self.get_level_display()}"

    @property
    def is_bad(self) -> bool:
        return self.level >= Satisfaction.DISSATISFIED

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None


class UsedLink(models.Model):
    """A signed SMS link that has been used (its id is unique: a link works once)."""

    jti = models.CharField(max_length=40, primary_key=True)
    purpose = models.CharField(max_length=20)
    used_at = models.DateTimeField()

    class Meta:
        verbose_name = verbose_name_plural = "已使用的短信链接"

    def __str__(self) -> str:
        return self.jti


class RectStatus(models.TextChoices):
    VERIFY = "verify", "待核实"
    CLASSIFY = "classify", "待定性"
    RECTIFYING = "rectifying", "整改中"
    FED_BACK = "fed_back", "已反馈待评价"
    CLOSED = "closed", "已办结"
    DISMISSED = "dismissed", "申诉成立"
    VOIDED = "voided", "评价已作废"


class RectCategory(models.TextChoices):
    IMMEDIATE = "immediate", "立行立改"
    DEADLINE = "deadline", "限期整改"
    EXPLAIN = "explain", "解释说明"
    APPEAL = "appeal", "申诉复核"


class Rectification(models.Model):
    """差评整改: verify → classify (营商办) → rectify by the deadline → feedback → the rater rates."""

    rating = models.OneToOneField(Rating, on_delete=models.PROTECT, related_name="rectification")
    subject = models.ForeignKey(RatedSubject, on_delete=models.PROTECT, related_name="rectifications")
    unit = models.ForeignKey("org.Unit", verbose_name="责任单位", on_delete=models.PROTECT, related_name="+")
    number = models.CharField("整改编号", max_length=24, unique=True)
    status = models.CharField("状态", max_length=12, choices=RectStatus.choices, default=RectStatus.VERIFY)
    category = models.CharField("定性", max_length=12, choices=RectCategory.choices, blank=True)
    verification = models.TextField("核实情况", blank=True)
    classify_note = models.CharField("定性意见", max_length=500, blank=True)
    measures = models.TextField("整改措施", blank=True)
    feedback = models.TextField("反馈评价人", blank=True)
    due_at = models.DateTimeField("整改期限", null=True, blank=True)
    rectified_at = models.DateTimeField("整改完成时间", null=True, blank=True)
    rater_level = models.PositiveSmallIntegerField(
        "评价人对整改的评价", choices=Satisfaction.choices, null=True, blank=True
    )
    created_at = models.DateTimeField("创建时间")
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    version = models.PositiveIntegerField("版本", default=1, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "差评整改"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["unit", "status", "created_at"], name="ratings_rect_queue")]

    def __str__(self) -> str:
        return self.number


class RectificationLink(models.Model):
    """举一反三: a similar problem elsewhere that the same rectification covers."""

    rectification = models.ForeignKey(Rectification, on_delete=models.CASCADE, related_name="links")
    unit = models.ForeignKey("org.Unit", verbose_name="相关单位", on_delete=models.PROTECT, related_name="+")
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name="相关诉求",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField("类似问题及举措", max_length=500)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("时间")

    class Meta:
        verbose_name = verbose_name_plural = "举一反三"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.note[:50]


class CallOutcome(models.TextChoices):
    CONNECTED = "connected", "已接通"
    NO_ANSWER = "no_answer", "无人接听"
    REFUSED = "refused", "拒绝回访"
    WRONG_NUMBER = "wrong_number", "号码有误"


class FollowUpCall(models.Model):
    """A 回访 attempt: an agent's call (with its outcome) or an SMS link answered by the enterprise."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="follow_up_calls")
    method = models.CharField("回访方式", max_length=10, choices=[("phone", "电话回访"), ("sms", "短信回访")])
    outcome = models.CharField("呼叫结果", max_length=14, choices=CallOutcome.choices)
    resolved = models.BooleanField("问题是否解决", null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        "满意度", choices=Satisfaction.choices, null=True, blank=True
    )
    comment = models.CharField("回访记录", max_length=500, blank=True)
    reopened = models.BooleanField("已重办", default=False)
    escalation_flagged = models.BooleanField("需督办（重办已达上限）", default=False, db_index=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField("时间")

    class Meta:
        verbose_name = verbose_name_plural = "回访记录"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.get_outcome_display()}"


class RecheckDraw(models.Model):
    """回头看: one seeded random draw per month over the cases closed in that month."""

    year = models.PositiveSmallIntegerField("年")
    month = models.PositiveSmallIntegerField("月")
    seed = models.BigIntegerField("随机种子")
    percent = models.PositiveSmallIntegerField("抽样比例（%）")
    minimum = models.PositiveIntegerField("最少件数")
    population_count = models.PositiveIntegerField("总体件数")
    population_digest = models.CharField("总体摘要（SHA-256）", max_length=64)
    # The population ids, sorted, delta-encoded and zlib-compressed: the draw can always be
    # re-derived from what is stored, even after cases are re-closed.
    population_blob = models.BinaryField("总体（压缩）")
    sample_ids = models.JSONField("抽中的诉求ID", default=list)
    # The lead unit of each sampled case at the time of the draw (same order as sample_ids): the
    # figures count the re-check against it. Outcomes are RecheckItem rows, made as recorded.
    sample_units = models.JSONField("抽中诉求的责任单位ID", default=list)
    drawn_at = models.DateTimeField("抽取时间")
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "回头看抽样"
        ordering = ["-year", "-month"]
        constraints = [models.UniqueConstraint(fields=["year", "month"], name="ratings_one_draw_per_month")]

    def __str__(self) -> str:
        return f"{self.year}年{self.month}月回头看"


class RecheckOutcome(models.TextChoices):
    PENDING = "pending", "待复核"
    CONFIRMED = "confirmed", "办结属实"
    NOT_SOLVED = "not_solved", "办结不实"
    UNREACHABLE = "unreachable", "无法联系"


class RecheckItem(models.Model):
    """The outcome of re-surveying one sampled case (a row exists once an outcome is recorded)."""

    draw = models.ForeignKey(RecheckDraw, on_delete=models.CASCADE, related_name="items")
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("org.Unit", null=True, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField("复核结果", max_length=12, choices=RecheckOutcome.choices)
    note = models.CharField("复核情况", max_length=500, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    checked_at = models.DateTimeField("复核时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "回头看复核"
        ordering = ["draw_id", "ticket_id"]
        constraints = [models.UniqueConstraint(fields=["draw", "ticket"], name="ratings_recheck_once")]

    def __str__(self) -> str:
        return f"{self.draw_id}/{self.ticket_id} {self.get_outcome_display()}"


class EnterpriseSampleMode(models.TextChoices):
    RANDOM = "random", "随机抽取"
    CHOSEN = "chosen", "指定企业"


class EnterpriseRecheck(models.Model):
    """回头看 of enterprises (R14.2): a sample of the enterprises with cases closed in a month —
    drawn at random with a recorded seed (like the cases' draw) or chosen — each asked about its
    satisfaction across its cases."""

    year = models.PositiveSmallIntegerField("年")
    month = models.PositiveSmallIntegerField("月")
    mode = models.CharField("抽样方式", max_length=8, choices=EnterpriseSampleMode.choices)
    seed = models.BigIntegerField("随机种子", null=True, blank=True)
    percent = models.PositiveSmallIntegerField("抽样比例（%）", null=True, blank=True)
    minimum = models.PositiveIntegerField("最少家数", null=True, blank=True)
    population_count = models.PositiveIntegerField("总体家数")
    population_digest = models.CharField("总体摘要（SHA-256）", max_length=64)
    enterprise_ids = models.JSONField("抽中的企业ID", default=list)
    drawn_at = models.DateTimeField("抽取时间")
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "企业满意度回头看"
        ordering = ["-year", "-month", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["year", "month"], name="ratings_one_enterprise_recheck_per_month")
        ]

    def __str__(self) -> str:
        return f"{self.year}年{self.month}月企业满意度回头看"


class EnterpriseRecheckOutcome(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    DISSATISFIED = "dissatisfied", "不满意"
    UNREACHABLE = "unreachable", "无法联系"


class EnterpriseRecheckItem(models.Model):
    """The re-check result of one sampled enterprise, with its satisfaction figures at that time."""

    recheck = models.ForeignKey(EnterpriseRecheck, on_delete=models.CASCADE, related_name="items")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField("回头看结果", max_length=14, choices=EnterpriseRecheckOutcome.choices)
    note = models.CharField("回访情况", max_length=500, blank=True)
    figures = models.JSONField("当时的满意度数据", default=dict)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    checked_at = models.DateTimeField("回访时间")

    class Meta:
        verbose_name = verbose_name_plural = "企业满意度回头看结果"
        ordering = ["recheck_id", "enterprise_id"]
        constraints = [
            models.UniqueConstraint(fields=["recheck", "enterprise"], name="ratings_enterprise_recheck_once")
        ]

    def __str__(self) -> str:
        return f"{self.recheck_id}/{self.enterprise_id} {self.get_outcome_display()}"
