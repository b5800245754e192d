"""Cases (诉求/工单) and their configuration — R2.2, R6.1, R8.3, R12.1.

Configuration tables (categories, routing rules, deadline policies) are data an administrator
edits; the lifecycle is `workflow.py`; every write goes through `actions.py` / `intake/`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from bangban.core.satisfaction import Satisfaction

from .workflow import OPEN_STATUSES, DeadlineState, Status


class Channel(models.TextChoices):
    HOTLINE = "hotline", "12345营商环境专席"
    WINDOW = "window", "“办不成事”反映窗口"
    PORTAL = "portal", "企业网上诉求"
    MAYOR = "mayor", "企业问题直达市长"
    OFFICER = "officer", "帮办专员/驻厂员走访"
    SUPERVISOR = "supervisor", "营商环境监督员"
    ASSOCIATION = "association", "行业协会商会"
    CONDUCT = "conduct", "作风直通车"
    API = "api", "系统接口"


# Two letters in the case number: HL-20261127-0001.
CHANNEL_PREFIX = {
    Channel.HOTLINE: "RX",
    Channel.WINDOW: "BC",
    Channel.PORTAL: "QY",
    Channel.MAYOR: "SZ",
    Channel.OFFICER: "BB",
    Channel.SUPERVISOR: "JD",
    Channel.ASSOCIATION: "XH",
    Channel.CONDUCT: "ZF",
    Channel.API: "JK",
}


class IntakeMode(models.TextChoices):
    ONLINE = "online", "网上提交"
    COUNTER = "counter", "窗口代填"
    PHONE = "phone", "电话"
    MAILBOX = "mailbox", "信箱"
    VISIT = "visit", "走访"
    SYSTEM = "system", "系统对接"


class TicketType(models.TextChoices):
    CONSULT = "consult", "咨询"
    COMPLAINT = "complaint", "投诉"
    SUGGESTION = "suggestion", "建议"
    HELP = "help", "求助"
    REPORT = "report", "举报"


class Urgency(models.TextChoices):
    URGENT = "urgent", "紧急"
    GENERAL = "general", "一般"
    COMPLEX = "complex", "复杂"


class HotlineOutcome(models.TextChoices):
    """首接负责 (R6.1): how the first agent handled a consultation."""

    DIRECT_ANSWER = "direct_answer", "直接答复"
    THREE_WAY_CALL = "three_way_call", "三方连线"
    TRANSFER = "transfer", "在线转接"
    WORK_ORDER = "work_order", "转派工单"


class Category(models.Model):
    code = models.CharField("分类编码", max_length=20, unique=True)
    name = models.CharField("分类名称", max_length=60)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级分类",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    level = models.PositiveSmallIntegerField("层级", default=1)
    path = models.CharField("完整名称", max_length=200, editable=False, help_text="一级/二级/三级")
    sort = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "诉求分类"
        ordering = ["sort", "code"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="category_unique_name_per_parent"),
            models.CheckConstraint(
                name="category_level_1_to_3", condition=models.Q(level__gte=1, level__lte=3)
            ),
        ]

    def __str__(self) -> str:
        return self.path or self.name


class RoutingRule(models.Model):
    """Category × region → the unit that is responsible. The most specific rule wins: an exact
    category beats its ancestors, a deeper region beats the city; `priority` breaks ties."""

    category = models.ForeignKey(
        Category,
        verbose_name="诉求分类",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="routing_rules",
    )
    region = models.ForeignKey(
        "org.Region", verbose_name="区划", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey("org.Unit", verbose_name="责任单位", on_delete=models.PROTECT, related_name="+")
    priority = models.IntegerField("优先级", default=0)
    is_active = models.BooleanField("启用", default=True)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "派单规则"
        ordering = ["-priority", "id"]
        constraints = [
            models.UniqueConstraint(fields=["category", "region"], name="routing_rule_unique_pair")
        ]

    def __str__(self) -> str:
        return f"{self.category or '任意分类'} × {self.region or '任意区划'} → {self.unit}"


class DispatchClock(models.TextChoices):
    """Which limit a waiting case's dispatch clock counts against."""

    DISPATCH = "dispatch", "待派单"
    REVIEW = "review", "市长直通车审核"


class DispatchClockSettings(models.Model):
    """The single row (pk = 1) of the dispatch clock's limits, in working days from receipt.
    A change applies to cases received afterwards (each case keeps the limit it got at intake)."""

    dispatch_workdays = models.PositiveSmallIntegerField(
        "派单时限（工作日）", default=1, help_text="受理后几个工作日内完成派单"
    )
    review_workdays = models.PositiveSmallIntegerField(
        "市长直通车审核时限（工作日）", default=3, help_text="受理后几个工作日内完成审核签批并交办"
    )
    warn_workdays = models.PositiveSmallIntegerField("临期提醒（提前工作日）", default=1)
    version = models.PositiveIntegerField("版本", default=1)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "派单时限设置"

    def __str__(self) -> str:
        return f"派单 {self.dispatch_workdays} 个工作日，市长直通车审核 {self.review_workdays} 个工作日"


class DeadlinePolicy(models.Model):
    """Channel × urgency → N working days (0 = 即办: close of the working day of receipt)."""

    channel = models.CharField("渠道", max_length=20, choices=Channel.choices)
    urgency = models.CharField("紧急程度", max_length=10, choices=Urgency.choices)
    workdays = models.PositiveSmallIntegerField(
        "办理时限（工作日）", help_text="0 表示即办（当个工作日内办结）"
    )
    warn_workdays = models.PositiveSmallIntegerField("临期提醒（提前工作日）", default=1)
    max_extensions = models.PositiveSmallIntegerField("最多延期次数", default=1)
    note = models.CharField("依据", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "办理时限规则"
        ordering = ["channel", "urgency"]
        constraints = [models.UniqueConstraint(fields=["channel", "urgency"], name="deadline_policy_unique")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} · {self.get_urgency_display()}：{self.workdays} 个工作日"


# The condition of the partial indexes that serve only cases still open.
_OPEN = models.Q(status__in=sorted(s.value for s in OPEN_STATUSES))


class Ticket(models.Model):
    number = models.CharField("诉求编号", max_length=24, unique=True)
    channel = models.CharField("来源渠道", max_length=20, choices=Channel.choices, db_index=True)
    intake_mode = models.CharField(
        "受理方式", max_length=10, choices=IntakeMode.choices, default=IntakeMode.ONLINE
    )
    type = models.CharField("诉求类型", max_length=12, choices=TicketType.choices, default=TicketType.HELP)
    urgency = models.CharField("紧急程度", max_length=10, choices=Urgency.choices, default=Urgency.GENERAL)
    category = models.ForeignKey(
        Category,
        verbose_name="诉求分类",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    multi_unit = models.BooleanField("多部门联办", default=False)
    title = models.CharField("标题", max_length=120)
    content = models.TextField("诉求内容", max_length=5000)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="企业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    region = models.ForeignKey(
        "org.Region",
        verbose_name="问题所在区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提交人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="submitted_tickets",
    )
    # An enterprise that is not (yet) in the registry: a caller, a visitor at the counter or the
    # mayor's column names it; the dispatcher can link the registered one later.
    enterprise_name = models.CharField("企业名称（登记时填写）", max_length=120, blank=True)
    enterprise_uscc = models.CharField("统一社会信用代码（登记时填写）", max_length=18, blank=True)
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=20, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registered_tickets",
    )
    intake_unit = models.ForeignKey(
        "org.Unit", verbose_name="受理单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    hotline_outcome = models.CharField(
        "首接处理方式", max_length=20, choices=HotlineOutcome.choices, blank=True
    )

    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.PENDING_DISPATCH)
    deadline_state = models.CharField(
        "期限状态", max_length=10, choices=DeadlineState.choices, default=DeadlineState.NONE
    )
    suggested_unit = models.ForeignKey(
        "org.Unit",
        verbose_name="建议责任单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    lead_unit = models.ForeignKey(
        "org.Unit",
        verbose_name="主办单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_tickets",
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="承办人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handled_tickets",
    )

    received_at = models.DateTimeField("受理时间", db_index=True)
    dispatched_at = models.DateTimeField("派单时间", null=True, blank=True)
    accepted_at = models.DateTimeField("签收时间", null=True, blank=True)
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)

    workdays_allowed = models.PositiveSmallIntegerField("办理时限（工作日）", null=True, blank=True)
    warn_workdays = models.PositiveSmallIntegerField("临期提醒（工作日）", default=1)
    deadline_start = models.DateTimeField("计时起点", null=True, blank=True)
    due_at = models.DateTimeField("办理期限", null=True, blank=True, db_index=True)
    warn_at = models.DateTimeField("临期时间", null=True, blank=True, db_index=True)
    due_provisional = models.BooleanField("期限为临时推算", default=False)
    extensions_used = models.PositiveSmallIntegerField("已延期次数", default=0)
    max_extensions = models.PositiveSmallIntegerField("最多延期次数", default=1)
    suspended_at = models.DateTimeField("挂起时间", null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField("重办次数", default=0)
    overdue_at = models.DateTimeField("首次超期时间", null=True, blank=True)

    # The dispatch clock (派单时限): from receipt to the first dispatch, with its own limit (see
    # `dispatch_clock.py`). Set at intake, settled once (first dispatch, 当场办结, merge, withdrawal).
    dispatch_clock = models.CharField(
        "派单计时", max_length=10, choices=DispatchClock.choices, blank=True, default=""
    )
    dispatch_workdays = models.PositiveSmallIntegerField("派单时限（工作日）", null=True, blank=True)
    dispatch_due_at = models.DateTimeField("派单期限", null=True, blank=True)
    dispatch_warn_at = models.DateTimeField("派单临期时间", null=True, blank=True)
    dispatch_provisional = models.BooleanField("派单期限为临时推算", default=False)
    dispatch_state = models.CharField(
        "派单期限状态", max_length=10, choices=DeadlineState.choices, default=DeadlineState.NONE
    )
    dispatch_overdue_at = models.DateTimeField("派单首次超期时间", null=True, blank=True)
    dispatch_settled_at = models.DateTimeField("派单计时结束时间", null=True, blank=True)

    duplicate_of = models.ForeignKey(
        "self",
        verbose_name="重复于",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
    )
    is_repeat = models.BooleanField("重复反映", default=False, db_index=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name="已合并至",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged",
    )

    idempotency_key = models.CharField("幂等键", max_length=100, null=True, blank=True, unique=True)
    content_hash = models.CharField(max_length=64, blank=True, editable=False)
    satisfaction = models.PositiveSmallIntegerField(
        "满意度", choices=Satisfaction.choices, null=True, blank=True
    )
    version = models.PositiveIntegerField("版本", default=1, editable=False)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "诉求"
        ordering = ["-received_at", "-id"]
        indexes = [
            # The unit work queue reads only this index (an index-only scan), whatever its filters:
            # the sort keys (status, due date, id) and every column the queue filters on except
            # the text of the enterprise's name. See benchmarks/bench_unit_queue.py.
            models.Index(
                fields=[
                    "lead_unit",
                    "status",
                    "due_at",
                    "warn_at",
                    "urgency",
                    "channel",
                    "type",
                    "category",
                    "region",
                    "handler",
                    "received_at",
                    "is_repeat",
                    "enterprise",
                    "number",
                    "title",
                    "id",
                ],
                name="ticket_unit_queue",
            ),
            # The sweeps, the dispatch queue and the deadline filters read open cases only: the
            # two deadline indexes hold only those (a few MB instead of 300 MB each at 10 million
            # cases, docs/data-growth.md). A status added to OPEN_STATUSES needs a migration.
            models.Index(fields=["status", "due_at"], condition=_OPEN, name="ticket_open_due"),
            models.Index(fields=["status", "warn_at"], condition=_OPEN, name="ticket_open_warn"),
            models.Index(fields=["enterprise", "received_at"], name="ticket_enterprise_recent"),
            # A month's figures read the cases answered in the month (ratings' 回访率) and those that
            # went overdue in it (dashboard): without these, each is a scan of every case ever
            # received (docs/data-growth.md).
            models.Index(fields=["replied_at"], name="ticket_replied"),
            models.Index(
                fields=["overdue_at"], condition=models.Q(overdue_at__isnull=False), name="ticket_overdue"
            ),
            # The sweeper's dispatch-clock claims read only the cases still waiting for dispatch.
            models.Index(
                fields=["dispatch_due_at"],
                condition=models.Q(dispatch_settled_at__isnull=True, dispatch_due_at__isnull=False),
                name="ticket_dispatch_due_open",
            ),
            models.Index(
                fields=["dispatch_warn_at"],
                condition=models.Q(dispatch_settled_at__isnull=True, dispatch_due_at__isnull=False),
                name="ticket_dispatch_warn_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class AssignmentRole(models.TextChoices):
    LEAD = "lead", "主办"
    CO = "co", "协办"


class TicketAssignment(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(
        "org.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="ticket_assignments"
    )
    role = models.CharField("角色", max_length=4, choices=AssignmentRole.choices)
    active = models.BooleanField("有效", default=True)
    assigned_at = models.DateTimeField("派单时间")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField("结束时间", null=True, blank=True)
    end_reason = models.CharField("结束原因", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "派单记录"
        ordering = ["assigned_at", "id"]
        indexes = [
            models.Index(fields=["unit", "active"], name="assignment_unit_active"),
            # The cases a unit co-handles now (unit work queue), without reading its lead assignments.
            models.Index(
                fields=["unit", "ticket"],
                condition=models.Q(role="co", active=True),
                name="assignment_co_active",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.get_role_display()} {self.unit_id}"


class Visibility(models.TextChoices):
    PUBLIC = "public", "企业可见"
    INTERNAL = "internal", "仅内部"


class TicketEvent(models.Model):
    """The case's timeline: every transition, note, comment and deadline alert."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField("时间")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField("操作人", max_length=80, blank=True)
    actor_unit = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("类型", max_length=30)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    note = models.TextField("说明", blank=True)
    visibility = models.CharField(
        "可见范围", max_length=10, choices=Visibility.choices, default=Visibility.INTERNAL
    )
    data = models.JSONField("数据", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "诉求记录"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["ticket", "at"], name="ticket_event_timeline")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind}"


class ReviewStatus(models.TextChoices):
    PENDING = "pending", "待审核"
    APPROVED = "approved", "已通过"
    REJECTED = "rejected", "已退回"


class ReplyResult(models.TextChoices):
    """办理结果 of a reply: what the enterprise is told came of its case."""

    RESOLVED = "resolved", "已解决"
    PARTIAL = "partial", "部分解决"
    EXPLAINED = "explained", "解释说明"


class ContactMethod(models.TextChoices):
    """How the handler reached the enterprise before replying (the reply's contact record)."""

    PHONE = "phone", "电话"
    VISIT = "visit", "上门"
    SMS = "sms", "短信"
    IN_PERSON = "in_person", "当面"
    OTHER = "other", "其他"


# What a reply without a result shows: replies drafted before the structured reply, and 即知即办.
RESULT_NOT_GIVEN = "未填写"


class Reply(models.Model):
    """A reply (答复) drafted by the lead unit and reviewed by its head. The enterprise sees the
    result, the text and the attachments of an approved reply; the contact record (how, when and
    with whom the enterprise was contacted, and the note on it) is internal: it is for the head's
    review and the 12345 follow-up (回访). Rows from before the structured reply have no result
    and no contact record (shown as 「未填写」)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="replies")
    result = models.CharField("办理结果", max_length=12, choices=ReplyResult.choices, blank=True, default="")
    content = models.TextField("答复内容", max_length=5000)
    contact_method = models.CharField(
        "联系方式", max_length=10, choices=ContactMethod.choices, blank=True, default=""
    )
    contacted_at = models.DateTimeField("联系时间", null=True, blank=True)
    contact_person = models.CharField("联系对象", max_length=50, blank=True, default="")
    contact_note = models.CharField("沟通情况（内部）", max_length=500, blank=True, default="")
    status = models.CharField(
        "状态", max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drafted_at = models.DateTimeField("提交时间")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    review_comment = models.CharField("审核意见", max_length=500, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "答复"
        ordering = ["drafted_at", "id"]

    def __str__(self) -> str:
        return f"{self.ticket_id} 答复 {self.get_status_display()}"

    @property
    def result_label(self) -> str:
        return ReplyResult(self.result).label if self.result in ReplyResult.values else RESULT_NOT_GIVEN

    @property
    def contact_method_label(self) -> str:
        if self.contact_method in ContactMethod.values:
            return str(ContactMethod(self.contact_method).label)
        return RESULT_NOT_GIVEN

    @property
    def has_contact_record(self) -> bool:
        return bool(self.contact_method or self.contacted_at or self.contact_person)


class FollowUpMethod(models.TextChoices):
    PHONE = "phone", "电话回访"
    SMS = "sms", "短信回访"
    PORTAL = "portal", "企业在线评价"
    VISIT = "visit", "上门回访"


class FollowUp(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="follow_ups")
    at = models.DateTimeField("回访时间")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    method = models.CharField("回访方式", max_length=10, choices=FollowUpMethod.choices)
    resolved = models.BooleanField("问题是否解决")
    satisfaction = models.PositiveSmallIntegerField("满意度", choices=Satisfaction.choices)
    comment = models.CharField("回访意见", max_length=500, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "回访"
        ordering = ["at", "id"]
        # The dashboard counts the follow-ups made in a month (docs/data-growth.md).
        indexes = [models.Index(fields=["at"], name="followup_at")]

    def __str__(self) -> str:
        return f"{self.ticket_id} 回访 {self.get_satisfaction_display()}"


class RequestKind(models.TextChoices):
    EXTENSION = "extension", "延期"
    SUSPENSION = "suspension", "挂起"


class DeadlineRequest(models.Model):
    """An extension (延期) or suspension (挂起) asked by the unit and decided by the dispatcher."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="deadline_requests")
    kind = models.CharField("类型", max_length=10, choices=RequestKind.choices)
    reason = models.CharField("理由", max_length=500)
    workdays = models.PositiveSmallIntegerField("申请延长（工作日）", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField("申请时间")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decision_comment = models.CharField("审批意见", max_length=500, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "延期/挂起申请"
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "kind"],
                condition=models.Q(status="pending"),
                name="one_pending_request_per_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.get_kind_display()} {self.get_status_display()}"


class Attachment(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField("文件", upload_to="tickets/%Y/%m/")
    original_name = models.CharField("文件名", max_length=200)
    content_type = models.CharField("类型", max_length=100)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    visibility = models.CharField(
        "可见范围", max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    # A file of a reply (答复附件): internal while the reply waits for review or was sent back,
    # visible to the enterprise once the head approves the reply. Null: a file of the case itself.
    reply = models.ForeignKey(
        Reply,
        verbose_name="所属答复",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
    )

    class Meta:
        verbose_name = verbose_name_plural = "附件"
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class NumberCounter(models.Model):
    """Per channel and day: the last sequence number handed out (locked while incremented)."""

    key = models.CharField(max_length=16, primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "编号计数器"

    def __str__(self) -> str:
        return f"{self.key}:{self.last}"


class ConfigVersion(models.Model):
    """The single row (pk = 1) whose token changes, by database triggers, in the same transaction
    as any change to what intake reads as configuration: categories, routing rules, the dispatch
    clock settings, a unit's 启用 flag and a region's code (migration 0008). Each process keeps
    those rows in memory (`config_cache.py`) and reads only this token per intake: a different
    token means reload."""

    token = models.CharField(max_length=32)

    class Meta:
        verbose_name = verbose_name_plural = "配置版本"

    def __str__(self) -> str:
        return self.token


class DispatchAlert(models.Model):
    """One row per (case, threshold, dispatch due instant): the dispatch clock's counterpart of
    `DeadlineAlert`, inserted by the sweeper before it reminds anyone, so each threshold of the
    dispatch clock is announced once however many workers sweep."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="dispatch_alerts")
    threshold = models.CharField("阈值", max_length=10, choices=DeadlineState.choices)
    due_at = models.DateTimeField("对应派单期限")
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "派单时限提醒记录"
        constraints = [
            models.UniqueConstraint(fields=["ticket", "threshold", "due_at"], name="dispatch_alert_once")
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.threshold}"


class DeadlineAlert(models.Model):
    """One row per (case, threshold, due instant): the sweeper inserts it before notifying, so each
    threshold is announced once even with several workers; a new due instant (extension, reopen)
    may be announced again."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="deadline_alerts")
    threshold = models.CharField("阈值", max_length=10, choices=DeadlineState.choices)
    due_at = models.DateTimeField("对应期限")
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "期限提醒记录"
        constraints = [
            models.UniqueConstraint(fields=["ticket", "threshold", "due_at"], name="deadline_alert_once")
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.threshold}"


class SavedView(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_ticket_views"
    )
    name = models.CharField("名称", max_length=40)
    page = models.CharField("页面", max_length=20)
    query = models.CharField("筛选条件", max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "常用筛选"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "page", "name"], name="saved_view_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class PhoneVerification(models.Model):
    """A phone number confirmed by an SMS code, for visitors without an account (the mayor's public
    column, R8.1). Only a keyed hash of the code is stored; a code expires after 10 minutes and
    allows 5 attempts; one code per number per minute."""

    phone = models.CharField("手机号", max_length=20, db_index=True)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField("发送时间")
    expires_at = models.DateTimeField("有效期至")
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    verified_at = models.DateTimeField("验证时间", null=True, blank=True)
    ip = models.GenericIPAddressField("来源地址", null=True, blank=True)
    # The version of the 个人信息保护告知 (tickets/privacy.py) the person accepted before the code was sent.
    privacy_notice = models.CharField("同意的个人信息保护告知版本", max_length=20, default="")

    class Meta:
        verbose_name = verbose_name_plural = "手机号验证"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["phone", "created_at"], name="phone_verification_recent")]

    def __str__(self) -> str:
        return f"{self.phone} {self.created_at:%Y-%m-%d %H:%M}"
