"""The conduct office's registers (R7.2): the 负面清单 in versions, the 入企登记簿 (entries of officials
into enterprises), the enterprise's reports of unregistered entries, the flags computed over a
month, and the settings that decide them."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class NegativeListVersion(models.Model):
    """One published version of the 负面清单. It applies from `effective_from` until the next version's
    date; older versions are kept as history and the items an entry cites stay where they were."""

    number = models.PositiveIntegerField("版本号", unique=True)
    title = models.CharField("名称", max_length=120)
    effective_from = models.DateField("生效日期", db_index=True)
    note = models.TextField("修订说明", blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发布人", on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField("发布时间")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-effective_from", "-number"]
        verbose_name = "负面清单版本"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.title}（第{self.number}版）"


class NegativeListItem(models.Model):
    """One forbidden kind of interference. Items belong to their version and are never changed: a
    new wording is a new version."""

    list_version = models.ForeignKey(
        NegativeListVersion, verbose_name="版本", on_delete=models.PROTECT, related_name="items"
    )
    code = models.CharField("编号", max_length=20)
    title = models.CharField("事项", max_length=120)
    description = models.TextField("具体表现", blank=True)
    position = models.PositiveSmallIntegerField("序号", default=0)

    class Meta:
        ordering = ["list_version", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["list_version", "code"], name="conduct_item_code_unique"),
        ]
        verbose_name = "负面清单事项"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Purpose(models.TextChoices):
    RESEARCH = "research", "调研"
    VISIT = "visit", "参观"
    INSPECTION = "inspection", "检查"
    ENFORCEMENT = "enforcement", "执法"


# Purposes that are inspections in the rules' sense (执法检查): they need a legal basis, and without
# a task number they are flagged.
INSPECTION_PURPOSES = frozenset({Purpose.INSPECTION, Purpose.ENFORCEMENT})
# The same, in the one order the flag queries and the partial indexes below spell it (SQLite uses a
# partial index only when the query repeats its condition).
INSPECTION_PURPOSE_LIST = sorted(str(p) for p in INSPECTION_PURPOSES)


class Presence(models.TextChoices):
    ON_SITE = "on_site", "在企业"
    LEFT = "left", "已离开"


class Response(models.TextChoices):
    PENDING = "pending", "待企业确认"
    CONFIRMED = "confirmed", "企业已确认"
    REPORTED = "reported", "企业反映不当"


class Entry(models.Model):
    """One entry of an official into an enterprise (入企登记)."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name="企业", on_delete=models.PROTECT, related_name="+"
    )
    official = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey("org.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField("入企事由", max_length=20, choices=Purpose.choices)
    description = models.CharField("具体事项", max_length=500)
    companions = models.CharField("同行人员", max_length=200, blank=True)
    legal_basis = models.CharField("检查依据", max_length=300, blank=True)
    task_number = models.CharField("任务编号", max_length=60, blank=True)
    entered_at = models.DateTimeField("入企时间", db_index=True)
    left_at = models.DateTimeField("离开时间", null=True, blank=True)
    presence = models.CharField("状态", max_length=10, choices=Presence.choices, default=Presence.ON_SITE)
    via_gate = models.BooleanField("扫码登记", default=False)
    registered_at = models.DateTimeField("登记时间")
    response = models.CharField("企业确认", max_length=10, choices=Response.choices, default=Response.PENDING)
    response_note = models.CharField("企业意见", max_length=500, blank=True)
    breached_item = models.ForeignKey(
        NegativeListItem,
        verbose_name="违反负面清单事项",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    responded_at = models.DateTimeField("确认时间", null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-entered_at", "-pk"]
        indexes = [
            models.Index(fields=["enterprise", "entered_at"], name="conduct_entry_ent_time"),
            models.Index(fields=["unit", "entered_at"], name="conduct_entry_unit_time"),
            # The flag rules read only the rows they flag (`flags.py`).
            models.Index(
                fields=["entered_at"], name="conduct_entry_reported", condition=models.Q(response="reported")
            ),
            models.Index(
                fields=["entered_at"], name="conduct_entry_routine", condition=models.Q(purpose="inspection")
            ),
            *(
                models.Index(
                    fields=["entered_at"],
                    name=f"conduct_entry_no_task_{purpose[:4]}",
                    condition=models.Q(task_number="", purpose=purpose),
                )
                for purpose in INSPECTION_PURPOSE_LIST
            ),
        ]
        verbose_name = "入企登记"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.get_purpose_display()}：{self.enterprise_id} {self.entered_at:%Y-%m-%d %H:%M}"

    @property
    def is_inspection(self) -> bool:
        return self.purpose in INSPECTION_PURPOSES


class UnregisteredReport(models.Model):
    """An enterprise reports that officials entered without registering (R7.2)."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name="企业", on_delete=models.PROTECT, related_name="+"
    )
    occurred_on = models.DateField("入企日期", db_index=True)
    unit_name = models.CharField("来访单位", max_length=120)
    description = models.CharField("情况说明", max_length=1000)
    breached_item = models.ForeignKey(
        NegativeListItem,
        verbose_name="涉及负面清单事项",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="反映人", on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField("反映时间")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        verbose_name = "未登记入企反映"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.unit_name} {self.occurred_on:%Y-%m-%d}"


class FlagKind(models.TextChoices):
    UNREGISTERED = "unregistered", "企业反映未登记入企"
    IMPROPER = "improper", "企业反映入企不当"
    QUIET_PERIOD = "quiet_period", "企业安静期内例行检查"
    TOO_FREQUENT = "too_frequent", "当月入企次数过多"
    NO_TASK_NUMBER = "no_task_number", "执法检查无任务编号"
    UNKNOWN_TASK_NUMBER = "unknown_task_number", "检查任务编号不在抽查计划中"


class Flag(models.Model):
    """A warning to 作风办, recomputed for a month by `flags.compute_flags` (the whole month's rows are
    replaced, so a rule or setting changed since shows at the next run). Only the month, kind and
    entry are indexed: the month's rows are written in bulk and read a month at a time.

    Derived rows: each is inserted by the statement that reads the entry, report, enterprise and
    unit it names, and a run deletes the flags its rules no longer find — so the database does not
    check the four keys at commit (on PostgreSQL, four checks for each of half a million flags
    took 12 s of a month's first computation). Deleting an entry, a report, an enterprise or a unit
    through the ORM still deletes their flags (`CASCADE`)."""

    kind = models.CharField("类型", max_length=20, choices=FlagKind.choices)
    month = models.DateField("月份")  # the first day of the month
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="企业",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    unit = models.ForeignKey(
        "org.Unit", verbose_name="单位", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
        db_index=False, db_constraint=False,
    )  # fmt: skip
    entry = models.ForeignKey(
        Entry, null=True, blank=True, on_delete=models.CASCADE, related_name="flags", db_constraint=False
    )
    report = models.ForeignKey(
        UnregisteredReport,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="flags",
        db_index=False,
        db_constraint=False,
    )
    occurred_at = models.DateTimeField("发生时间")
    entries_in_month = models.PositiveIntegerField("当月入企次数", default=0)
    computed_at = models.DateTimeField("计算时间")

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        indexes = [models.Index(fields=["month", "kind"], name="conduct_flag_month_kind")]
        verbose_name = "作风预警"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_at:%Y-%m-%d}"


class ConductSettings(models.Model):
    """The one row of settings the flags read (a city sets its own)."""

    quiet_first_day = models.PositiveSmallIntegerField("安静期起始日", default=1)
    quiet_last_day = models.PositiveSmallIntegerField("安静期截止日", default=20)
    max_entries_per_month = models.PositiveSmallIntegerField("每企业每月入企上限", default=4)
    gate_code_days = models.PositiveSmallIntegerField("入企二维码有效天数", default=366)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "作风建设设置"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return "作风建设设置"


# --- 直通车企业、作风观察点 and the 问题清单 (R7.1) -----------------------------------------------------


class DesignationKind(models.TextChoices):
    THROUGH_TRAIN = "through_train", "直通车企业"
    OBSERVATION = "observation", "作风观察点"


class Designation(models.Model):
    """作风办 designates an enterprise as a 直通车企业 or a 作风观察点 from a date, until a date (or
    open-ended); ending a designation sets its last day. One enterprise holds at most one
    designation of a kind for any day."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name="企业", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("类型", max_length=20, choices=DesignationKind.choices)
    starts_on = models.DateField("起始日期")
    ends_on = models.DateField("截止日期", null=True, blank=True)
    note = models.CharField("说明", max_length=500, blank=True)
    designated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="确定人", on_delete=models.PROTECT, related_name="+"
    )
    designated_at = models.DateTimeField("确定时间")
    end_note = models.CharField("终止说明", max_length=500, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        indexes = [models.Index(fields=["enterprise", "kind"], name="conduct_designation_ent")]
        verbose_name = "直通车企业与观察点"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.enterprise_id} {self.starts_on:%Y-%m-%d}"


class ProblemSource(models.TextChoices):
    SYMPOSIUM = "symposium", "座谈会"
    COVERT = "covert", "明察暗访"
    CALLBACK = "callback", "电话回访"
    OTHER = "other", "其他"


class ProblemState(models.TextChoices):
    PENDING = "pending", "待转办"
    TRANSFERRED = "transferred", "已转办"
    RESOLVED = "resolved", "直接办结"


class ReturnCall(models.Model):
    """作风办 calls a 直通车企业 back (电话回访): who was spoken to, whether the enterprise is satisfied,
    and the problems it raised (each one a 问题清单 item)."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name="企业", on_delete=models.PROTECT, related_name="+"
    )
    called_on = models.DateField("回访日期", db_index=True)
    contact = models.CharField("受访人", max_length=50)
    satisfied = models.BooleanField("是否满意")
    note = models.CharField("回访情况", max_length=1000, blank=True)
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="回访人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("登记时间")

    class Meta:
        ordering = ["-called_on", "-pk"]
        verbose_name = "电话回访"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"回访 {self.enterprise_id} {self.called_on:%Y-%m-%d}"


class ProblemItem(models.Model):
    """One item of the 问题清单: a problem found by a 座谈会, a 明察暗访 or an 电话回访. 转办 makes it a
    case (`case`) routed to a unit, and its progress is read from that case (never copied here);
    an item solved on the spot is closed directly with a note."""

    source = models.CharField("问题来源", max_length=12, choices=ProblemSource.choices)
    source_ref = models.CharField("来源说明", max_length=200, blank=True)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="企业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    region = models.ForeignKey("org.Region", verbose_name="地区", on_delete=models.PROTECT, related_name="+")
    text = models.TextField("问题描述", max_length=2000)
    found_on = models.DateField("发现日期", db_index=True)
    found_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发现人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("登记时间")
    cited_item = models.ForeignKey(
        NegativeListItem,
        verbose_name="涉及负面清单事项",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey(
        "org.Unit", verbose_name="责任单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    return_call = models.ForeignKey(
        ReturnCall, null=True, blank=True, on_delete=models.PROTECT, related_name="problems"
    )
    state = models.CharField(
        "状态", max_length=12, choices=ProblemState.choices, default=ProblemState.PENDING
    )
    case = models.OneToOneField(
        "tickets.Ticket",
        verbose_name="转办诉求",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    transferred_at = models.DateTimeField("转办时间", null=True, blank=True)
    closed_note = models.CharField("办结说明", max_length=1000, blank=True)
    closed_at = models.DateTimeField("直接办结时间", null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-found_on", "-pk"]
        indexes = [models.Index(fields=["region", "found_on"], name="conduct_problem_region")]
        verbose_name = "问题清单"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.found_on:%Y-%m-%d}"


# --- 随手拍 and the complaint phone (R7.3) -------------------------------------------------------


class SnapCategory(models.TextChoices):
    BREACH = "breach", "违约失信"
    BUCK_PASSING = "buck_passing", "相互推诿"
    PERFUNCTORY = "perfunctory", "敷衍塞责"
    POLICY_DISCOUNT = "policy_discount", "惠企政策打折扣"


class SnapSource(models.TextChoices):
    SNAP = "snap", "随手拍"
    PHONE = "phone", "投诉电话"
    OTHER = "other", "其他"


class SnapStatus(models.TextChoices):
    PENDING = "pending", "待核实"
    VERIFYING = "verifying", "核实中"
    INVESTIGATING = "investigating", "查处中"
    UNFOUNDED = "unfounded", "已办结（不属实）"
    FOUNDED = "founded", "已办结（属实）"


class ConductComplaint(models.Model):
    """The conduct office's side of a 随手拍 or complaint-phone report: the case (channel 作风直通车)
    carries the number, deadlines, timeline and complainant; this row carries the category, the
    unit complained about, the cited 负面清单 item, 作风办's own states and the 曝光 summary."""

    ticket = models.OneToOneField(
        "tickets.Ticket", verbose_name="诉求", on_delete=models.PROTECT, related_name="conduct_complaint"
    )
    source = models.CharField("来源", max_length=10, choices=SnapSource.choices)
    category = models.CharField("问题类型", max_length=20, choices=SnapCategory.choices)
    status = models.CharField(
        "状态", max_length=20, choices=SnapStatus.choices, default=SnapStatus.PENDING, db_index=True
    )
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name="被投诉单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cited_item = models.ForeignKey(
        NegativeListItem,
        verbose_name="涉及负面清单事项",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    finding = models.TextField("核查结论", blank=True)
    penalty = models.TextField("处理结果", blank=True)
    concluded_at = models.DateTimeField("办结时间", null=True, blank=True)
    published = models.BooleanField("已曝光", default=False)
    public_title = models.CharField("曝光标题", max_length=120, blank=True)
    public_summary = models.TextField("曝光内容（已隐去个人信息）", blank=True)
    published_at = models.DateTimeField("曝光时间", null=True, blank=True, db_index=True)
    received_at = models.DateTimeField("受理时间", db_index=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = "作风投诉"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.ticket_id}"
