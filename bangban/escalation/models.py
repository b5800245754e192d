"""Models of escalation: tiers and each case's path through them (R12), meetings (会办) and their
tasks (R3.3, R6.2, R11.2, R12.2), the mayor's channel review and sign-off chain (R8, R14.1),
disputed responsibility (R6.2) and supervision orders (督办/催办).

No business logic here: every write goes through `actions.py` (and the sweep in `sweep.py`).
The case itself (`tickets.Ticket`) is never given extra fields: its escalation state lives in
`CaseEscalation` (one row per case that left tier 1) and `EscalationStep` (append-only path).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class TierKind(models.TextChoices):
    UNIT = "unit", "单位办理"
    MEETING = "meeting", "会办"
    OFFICE = "office", "机关协调"


class MeetingType(models.TextChoices):
    TOPIC = "topic", "专题会办"
    HELP = "help", "解难帮扶会办会"
    ANALYSIS = "analysis", "营商环境问题处置分析会"
    EXECUTIVE = "executive", "常务副市长会办"
    JOINT = "joint", "联席会议"
    CONSULT = "consult", "市长/副市长会商"


class Tier(models.Model):
    """One level of the escalation chain (R12.2). Level 1 is the receiving unit, whose deadline is
    the case's own handling deadline; higher levels have their own deadline in working days."""

    level = models.PositiveSmallIntegerField("层级", unique=True)
    name = models.CharField("名称", max_length=40)
    kind = models.CharField("方式", max_length=10, choices=TierKind.choices, default=TierKind.MEETING)
    meeting_type = models.CharField("对应会议类型", max_length=12, choices=MeetingType.choices, blank=True)
    workdays = models.PositiveSmallIntegerField(
        "本级办理时限（工作日）", default=5, help_text="第1级按诉求本身的办理时限计算"
    )
    owner_unit = models.ForeignKey(
        "org.Unit",
        verbose_name="牵头单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "会办层级"
        ordering = ["level"]
        constraints = [models.CheckConstraint(name="tier_level_positive", condition=models.Q(level__gte=1))]

    def __str__(self) -> str:
        return f"第{self.level}级 {self.name}"


class AutoRule(models.TextChoices):
    TIER_DEADLINE = "tier_deadline", "本级时限届满仍未办结即升级"
    OVERDUE = "overdue", "诉求超期即升级（仅第1级）"
    OFF = "off", "不自动升级"


class EscalationSettings(models.Model):
    """The single row of configurable numbers of this app (pk = 1)."""

    auto_rule = models.CharField(
        "自动升级规则", max_length=16, choices=AutoRule.choices, default=AutoRule.TIER_DEADLINE
    )
    auto_max_level = models.PositiveSmallIntegerField(
        "自动升级最高至", default=3, help_text="更高层级只能手动升级"
    )
    dispute_window_workdays = models.PositiveSmallIntegerField("异议申请时限（工作日）", default=2)
    dispute_decision_workdays = models.PositiveSmallIntegerField("专班认定时限（工作日）", default=3)
    supervision_workdays = models.PositiveSmallIntegerField("督办默认答复时限（工作日）", default=3)
    executive_vice_mayor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="常务副市长",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="签批未明确分管市长的分类（R8.2）",
    )

    class Meta:
        verbose_name = verbose_name_plural = "分级会办参数"

    def __str__(self) -> str:
        return "分级会办参数"


class CaseEscalation(models.Model):
    """Where a case stands in the chain. Created when it first leaves tier 1."""

    ticket = models.OneToOneField("tickets.Ticket", on_delete=models.CASCADE, related_name="escalation")
    level = models.PositiveSmallIntegerField("当前层级", default=1)
    tier = models.ForeignKey(Tier, verbose_name="当前层级", on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField("进入本级时间")
    tier_due_at = models.DateTimeField("本级时限", null=True, blank=True, db_index=True)
    version = models.PositiveIntegerField("版本", default=1)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "诉求会办层级"
        indexes = [models.Index(fields=["level", "tier_due_at"], name="escalation_level_due")]

    def __str__(self) -> str:
        return f"{self.ticket_id} 第{self.level}级"


class StepKind(models.TextChoices):
    MANUAL = "manual", "手动升级"
    AUTO = "auto", "自动升级"


class EscalationStep(models.Model):
    """The path a case took, append-only. A case enters each tier at most once (unique)."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="escalation_steps")
    from_level = models.PositiveSmallIntegerField("原层级")
    to_level = models.PositiveSmallIntegerField("升至层级")
    tier_name = models.CharField("层级名称", max_length=40)
    kind = models.CharField("方式", max_length=8, choices=StepKind.choices)
    reason = models.CharField("理由", max_length=500)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField("操作人", max_length=80, default="系统")
    at = models.DateTimeField("时间")
    tier_due_at = models.DateTimeField("本级时限", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "升级记录"
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "to_level"], name="escalation_once_per_tier"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} → 第{self.to_level}级"


# --- meetings -----------------------------------------------------------------------------------


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", "已安排"
    HELD = "held", "已召开"


class Meeting(models.Model):
    type = models.CharField("会议类型", max_length=12, choices=MeetingType.choices)
    title = models.CharField("会议名称", max_length=120)
    held_at = models.DateTimeField("会议时间")
    place = models.CharField("地点", max_length=120, blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="主持人", on_delete=models.PROTECT, related_name="+"
    )
    units = models.ManyToManyField("org.Unit", verbose_name="参会单位", blank=True, related_name="+")
    cases = models.ManyToManyField(
        "tickets.Ticket", verbose_name="会办诉求", blank=True, related_name="meetings"
    )
    minutes = models.TextField("会议纪要", blank=True, max_length=20000)
    status = models.CharField(
        "状态", max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间")
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = verbose_name_plural = "会办会议"
        ordering = ["-held_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Participant(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="参会人", on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField("确认参会时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "参会人员"
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="participant_once")]

    def __str__(self) -> str:
        return f"{self.meeting_id} {self.user_id}"


class TaskStatus(models.TextChoices):
    OPEN = "open", "办理中"
    DONE = "done", "已完成"


class MeetingTask(models.Model):
    """A decision of a meeting: an owner unit does something by a deadline in working days."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="tasks")
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name="相关诉求",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    content = models.CharField("议定事项", max_length=500)
    owner_unit = models.ForeignKey(
        "org.Unit", verbose_name="责任单位", on_delete=models.PROTECT, related_name="+"
    )
    workdays = models.PositiveSmallIntegerField("办理时限（工作日）")
    due_at = models.DateTimeField("完成期限", db_index=True)
    status = models.CharField("状态", max_length=8, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    done_at = models.DateTimeField("完成时间", null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    done_note = models.CharField("完成情况", max_length=1000, blank=True)
    created_at = models.DateTimeField("议定时间")
    reminders = models.PositiveSmallIntegerField("提醒次数", default=0)
    last_reminded_at = models.DateTimeField("最近提醒", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "会议议定任务"
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["owner_unit", "status", "due_at"], name="task_owner_queue")]

    def __str__(self) -> str:
        return self.content[:40]


# --- the mayor's channel (R8) -------------------------------------------------------------------


class ProblemKind(models.TextChoices):
    GENERAL = "general", "一般问题"
    MAJOR = "major", "重大问题"


class ReviewStage(models.TextChoices):
    COLLECTED = "collected", "待分类"
    DEPUTY = "deputy", "待副秘书长审核"
    SECRETARY = "secretary", "待秘书长签批"
    VICE_MAYOR = "vice_mayor", "待分管市长签批"
    CONSULT = "consult", "会商中"
    READY = "ready", "待交办"
    DISPATCHED = "dispatched", "已交办"


class DeputyRoute(models.Model):
    """Category → 对口联系副秘书长 (R8.2); the most specific category wins."""

    category = models.OneToOneField(
        "tickets.Category", verbose_name="诉求分类", on_delete=models.CASCADE, related_name="+"
    )
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="对口联系副秘书长", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "对口联系副秘书长"
        ordering = ["category__code"]

    def __str__(self) -> str:
        return f"{self.category} → {self.deputy}"


class VicePortfolio(models.Model):
    """Category → the 分管市长 in charge of it (R8.2): the one who signs its general problems and
    is told. The most specific category wins; a category with no one in charge up its tree goes to
    the 常务副市长 (`EscalationSettings.executive_vice_mayor`)."""

    category = models.OneToOneField(
        "tickets.Category", verbose_name="诉求分类", on_delete=models.CASCADE, related_name="+"
    )
    vice_mayor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="分管市长", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "分管市长分工"
        ordering = ["category__code"]

    def __str__(self) -> str:
        return f"{self.category} → {self.vice_mayor}"


class MayorReview(models.Model):
    """A mayor-channel case's review: collected at intake, classified, reviewed by the 对口联系副秘书长,
    signed by the 秘书长 and the 分管市长 (general) or met in a 会商 (major), then dispatched.
    Every such case is under 专项督查 (R14.1)."""

    ticket = models.OneToOneField("tickets.Ticket", on_delete=models.CASCADE, related_name="mayor_review")
    stage = models.CharField(
        "环节", max_length=12, choices=ReviewStage.choices, default=ReviewStage.COLLECTED
    )
    kind = models.CharField("问题类别", max_length=8, choices=ProblemKind.choices, blank=True)
    category = models.ForeignKey(
        "tickets.Category",
        verbose_name="诉求分类",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="对口联系副秘书长",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    vice_mayor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="签批分管市长",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    urgency = models.CharField(
        "办理时限研判",
        max_length=10,
        blank=True,
        help_text="urgent 事实清楚、情况紧急（2个工作日）/ general 一般（5个）/ complex 情况复杂或涉及多个单位（15个）",
    )
    consult_meeting = models.ForeignKey(
        Meeting, verbose_name="会商会议", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    special_supervision = models.BooleanField("专项督查", default=True)
    collected_at = models.DateTimeField("收集时间")
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = verbose_name_plural = "市长直通车审核"
        ordering = ["-collected_at", "-id"]
        indexes = [models.Index(fields=["stage", "collected_at"], name="mayor_review_stage")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.get_stage_display()}"


class SignDecision(models.TextChoices):
    CLASSIFY = "classify", "分类"
    ACCEPT = "accept", "同意"
    RETURN = "return", "退回"
    CONSULT = "consult", "提请会商"
    DISPATCH = "dispatch", "交办"


class ReviewStep(models.Model):
    """The review's path, append-only: who decided what at which stage, with the comment."""

    review = models.ForeignKey(MayorReview, on_delete=models.CASCADE, related_name="steps")
    stage = models.CharField("环节", max_length=12, choices=ReviewStage.choices)
    decision = models.CharField("意见", max_length=10, choices=SignDecision.choices)
    comment = models.CharField("批示/意见", max_length=1000, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField("签批人", max_length=80)
    at = models.DateTimeField("时间")

    class Meta:
        verbose_name = verbose_name_plural = "审核签批记录"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.review_id} {self.stage} {self.decision}"


# --- disputed responsibility (R6.2) -------------------------------------------------------------


class DisputeStatus(models.TextChoices):
    PENDING = "pending", "待专班认定"
    DECIDED = "decided", "已认定"


class Dispute(models.Model):
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="disputes")
    unit = models.ForeignKey(
        "org.Unit", verbose_name="提出异议单位", on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField("异议理由", max_length=1000)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField("提出时间")
    decide_due_at = models.DateTimeField("认定期限", db_index=True)
    status = models.CharField(
        "状态", max_length=8, choices=DisputeStatus.choices, default=DisputeStatus.PENDING
    )
    meeting = models.ForeignKey(
        Meeting,
        verbose_name="联席会议",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="disputes",
    )
    decision = models.CharField("认定意见", max_length=1000, blank=True)
    lead_unit = models.ForeignKey(
        "org.Unit",
        verbose_name="认定主办单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    co_units = models.ManyToManyField("org.Unit", verbose_name="认定协办单位", blank=True, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("认定时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "职责异议台账"
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"], condition=models.Q(status="pending"), name="one_pending_dispute_per_case"
            )
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.unit_id} {self.get_status_display()}"


# --- supervision (督办 / 催办) --------------------------------------------------------------------


class SupervisionKind(models.TextChoices):
    SUPERVISE = "supervise", "督办"
    URGE = "urge", "催办"


class SupervisionStatus(models.TextChoices):
    OPEN = "open", "待答复"
    ANSWERED = "answered", "已答复"


class SupervisionOrder(models.Model):
    kind = models.CharField("类型", max_length=10, choices=SupervisionKind.choices)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name="督办诉求",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    task = models.ForeignKey(
        MeetingTask,
        verbose_name="督办任务",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="orders",
    )
    unit = models.ForeignKey(
        "org.Unit", verbose_name="被督办单位", on_delete=models.PROTECT, related_name="+"
    )
    content = models.CharField("督办要求", max_length=1000)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField("下发时间", db_index=True)
    workdays = models.PositiveSmallIntegerField("答复时限（工作日）")
    due_at = models.DateTimeField("答复期限", db_index=True)
    status = models.CharField(
        "状态", max_length=10, choices=SupervisionStatus.choices, default=SupervisionStatus.OPEN
    )
    response = models.TextField("书面答复", blank=True, max_length=5000)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    responded_at = models.DateTimeField("答复时间", null=True, blank=True)
    reminders = models.PositiveSmallIntegerField("提醒次数", default=0)
    last_reminded_at = models.DateTimeField("最近提醒", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "督办单"
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="supervision_has_one_target",
                condition=models.Q(ticket__isnull=False, task__isnull=True)
                | models.Q(ticket__isnull=True, task__isnull=False),
            )
        ]
        indexes = [models.Index(fields=["unit", "status", "due_at"], name="supervision_unit_queue")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.unit_id}"
