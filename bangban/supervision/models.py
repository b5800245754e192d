"""Models of supervision: ranking settings and frozen monthly rankings, official notices (通报),
monthly ledgers (R11.1) and accountability records (R15). No business logic here: see actions.py."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class SupervisionSettings(models.Model):
    """One row (pk=1): the city's configurable numbers for rankings, ledgers and accountability."""

    weight_response = models.PositiveSmallIntegerField("响应率权重", default=30)
    weight_resolution = models.PositiveSmallIntegerField("解决率权重", default=35)
    weight_satisfaction = models.PositiveSmallIntegerField("满意率权重", default=35)
    min_cases = models.PositiveIntegerField("参与排名的最少诉求数", default=5)
    response_hours = models.PositiveSmallIntegerField(
        "签收时限（小时）", default=24, help_text="派单后在此时限内（且不晚于办理期限）签收计为及时响应"
    )
    ledger_due_day = models.PositiveSmallIntegerField("台账报送截止日（每月）", default=25)
    ledger_all_units = models.BooleanField(
        "无新增的责任单位也生成台账",
        default=True,
        help_text="开启时，当月没有诉求、会办督办事项的责任单位也生成「本月无新增」台账并须报送",
    )
    bottom_places = models.PositiveSmallIntegerField("末位名次数", default=1)
    bottom_months = models.PositiveSmallIntegerField("连续末位月数（提议约谈）", default=2)
    authority_name = models.CharField("发文机关", max_length=60, default="宿迁市优化营商环境办公室")
    doc_prefix = models.CharField("发文字号机关代字", max_length=20, default="宿营商办发")
    version = models.PositiveIntegerField("版本", default=1, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "督查排名设置"

    def __str__(self) -> str:
        return "督查排名设置"


class RankingStatus(models.TextChoices):
    DRAFT = "draft", "草稿（可重算）"
    FROZEN = "frozen", "已冻结"


class Ranking(models.Model):
    """A month's ranking of every lead unit. Frozen: an immutable snapshot."""

    year = models.PositiveSmallIntegerField("年")
    month = models.PositiveSmallIntegerField("月")
    status = models.CharField(
        "状态", max_length=10, choices=RankingStatus.choices, default=RankingStatus.DRAFT
    )
    weight_response = models.PositiveSmallIntegerField("响应率权重")
    weight_resolution = models.PositiveSmallIntegerField("解决率权重")
    weight_satisfaction = models.PositiveSmallIntegerField("满意率权重")
    min_cases = models.PositiveIntegerField("最少诉求数")
    response_hours = models.PositiveSmallIntegerField("签收时限（小时）")
    bottom_places = models.PositiveSmallIntegerField("末位名次数", default=1)
    sources = models.JSONField("外部数据来源", default=dict)
    office_figures = models.JSONField(
        "派单机构指标", default=dict, blank=True, help_text="派单及时率，计算（冻结）时的数字"
    )
    officer_figures = models.JSONField(
        "帮办专员履职指标",
        default=dict,
        blank=True,
        help_text="各单位帮办履职率及排名、严重滞后的专员，计算（冻结）时的数字",
    )
    computed_at = models.DateTimeField("计算时间")
    frozen_at = models.DateTimeField("冻结时间", null=True, blank=True)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cases_frozen = models.BooleanField(
        "已冻结各指标诉求清单", default=False, help_text="冻结时保存了每个单位每项指标所计入的诉求"
    )
    version = models.PositiveIntegerField("版本", default=1, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "月度排名"
        ordering = ["-year", "-month"]
        constraints = [models.UniqueConstraint(fields=["year", "month"], name="ranking_one_per_month")]

    def __str__(self) -> str:
        return f"{self.year}年{self.month}月排名"


SCOPE_CHOICES = [("all", "全部渠道"), ("hotline", "12345热线")]


class RankingRow(models.Model):
    """One unit's figures in one scope (`definitions.SCOPES`): every ranking keeps the ranking of
    all channels and the 12345 hotline's own (which the 12345 通报 uses)."""

    ranking = models.ForeignKey(Ranking, on_delete=models.CASCADE, related_name="rows")
    scope = models.CharField("统计范围", max_length=10, choices=SCOPE_CHOICES, default="all")
    unit = models.ForeignKey("org.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    unit_name = models.CharField("单位名称", max_length=80)
    region_path = models.CharField("区划路径", max_length=120, db_index=True)
    total = models.PositiveIntegerField("诉求数", default=0)
    dispatched = models.PositiveIntegerField("派单数", default=0)
    responded = models.PositiveIntegerField("及时签收数", default=0)
    closed = models.PositiveIntegerField("办结数", default=0)
    closed_on_time = models.PositiveIntegerField("按期办结数", default=0)
    follow_ups = models.PositiveIntegerField("回访数", default=0)
    resolved = models.PositiveIntegerField("回访已解决数", default=0)
    satisfied = models.PositiveIntegerField("满意数", default=0)
    rated = models.PositiveIntegerField("评价数", default=0)
    bad = models.PositiveIntegerField("差评数", default=0)
    rectified = models.PositiveIntegerField("差评已整改数", default=0)
    repeat_count = models.PositiveIntegerField("重复反映数", default=0)
    overdue_count = models.PositiveIntegerField("超期数", default=0)
    response_rate = models.FloatField("响应率", null=True, blank=True)
    on_time_rate = models.FloatField("按期办结率", null=True, blank=True)
    resolution_rate = models.FloatField("解决率", null=True, blank=True)
    satisfaction_rate = models.FloatField("满意率", null=True, blank=True)
    rectification_rate = models.FloatField("差评整改率", null=True, blank=True)
    score = models.FloatField("综合得分", null=True, blank=True)
    rank = models.PositiveIntegerField("名次", null=True, blank=True)
    is_bottom = models.BooleanField("末位", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "排名明细"
        ordering = ["rank", "-total", "unit_name"]
        constraints = [
            models.UniqueConstraint(fields=["ranking", "scope", "unit"], name="ranking_row_unique_scope_unit")
        ]

    def __str__(self) -> str:
        return f"{self.ranking} {self.unit_name}"


class FrozenCaseSet(models.Model):
    """The cases counted in one figure of one unit in a frozen ranking: their ids, sorted,
    delta-encoded and compressed (`bangban.supervision.idsets`). A set that would be empty is not
    stored."""

    ranking = models.ForeignKey(Ranking, on_delete=models.CASCADE, related_name="case_sets")
    scope = models.CharField("统计范围", max_length=10, choices=SCOPE_CHOICES, default="all")
    unit = models.ForeignKey("org.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    figure = models.CharField("指标", max_length=20)
    count = models.PositiveIntegerField("诉求数")
    ids = models.BinaryField("诉求编号（压缩）")

    class Meta:
        verbose_name = verbose_name_plural = "冻结指标诉求清单"
        constraints = [
            models.UniqueConstraint(
                fields=["ranking", "scope", "unit", "figure"], name="frozen_case_set_unique_scope"
            )
        ]

    def __str__(self) -> str:
        return f"{self.ranking} {self.unit_id} {self.figure}"


class NoticeKind(models.TextChoices):
    HOTLINE = "hotline", "12345热线办理情况通报"
    BAD_RATING = "bad_rating", "政务服务差评情况通报"
    INSPECTION = "inspection", "督查情况通报"


class NoticeStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    REVIEWED = "reviewed", "已审核"
    ISSUED = "issued", "已印发"


class Notice(models.Model):
    kind = models.CharField("通报类型", max_length=12, choices=NoticeKind.choices)
    year = models.PositiveSmallIntegerField("通报年份")
    month = models.PositiveSmallIntegerField("通报月份")
    title = models.CharField("标题", max_length=120)
    content = models.JSONField("内容", default=dict)
    status = models.CharField("状态", max_length=10, choices=NoticeStatus.choices, default=NoticeStatus.DRAFT)
    doc_year = models.PositiveSmallIntegerField("发文年份", null=True, blank=True)
    doc_seq = models.PositiveIntegerField("发文序号", null=True, blank=True)
    doc_number = models.CharField("发文字号", max_length=40, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("起草时间")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField("印发时间", null=True, blank=True)
    issue_date = models.DateField("成文日期", null=True, blank=True)
    file = models.FileField("归档文件", upload_to="supervision/notices/%Y/", blank=True)
    sha256 = models.CharField("文件SHA-256", max_length=64, blank=True)
    units = models.ManyToManyField("org.Unit", verbose_name="点名单位", blank=True, related_name="+")
    version = models.PositiveIntegerField("版本", default=1, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "通报"
        ordering = ["-year", "-month", "kind", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["doc_year", "doc_seq"], name="notice_unique_doc_number"),
        ]

    def __str__(self) -> str:
        return self.title


class NoticeCounter(models.Model):
    """Per issuing year: the last 发文序号 handed out (locked while incremented)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "发文序号"

    def __str__(self) -> str:
        return f"{self.year}:{self.last}"


class LedgerStatus(models.TextChoices):
    PENDING = "pending", "待报送"
    SUBMITTED = "submitted", "已报送"


class Ledger(models.Model):
    """A unit's ledgers (收集办理, 会办交办, 督查通报) of one month, due on the due date of the next."""

    unit = models.ForeignKey("org.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("台账年份")
    month = models.PositiveSmallIntegerField("台账月份")
    due_date = models.DateField("报送截止日")
    status = models.CharField(
        "状态", max_length=10, choices=LedgerStatus.choices, default=LedgerStatus.PENDING
    )
    notes = models.JSONField("单位说明", default=dict)
    content = models.JSONField("报送内容", default=dict)
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    late = models.BooleanField("逾期报送", default=False)
    no_activity = models.BooleanField("本月无新增", default=False)
    reminded_at = models.DateTimeField("最近提醒时间", null=True, blank=True)
    created_at = models.DateTimeField("生成时间")
    version = models.PositiveIntegerField("版本", default=1, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "月度台账"
        ordering = ["-year", "-month", "unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "month"], name="ledger_one_per_unit_month")
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}年{self.month}月台账"


class AccountabilityKind(models.TextChoices):
    INTERVIEW = "interview", "约谈"
    SELF_EXAMINATION = "self_examination", "责令检查"
    CRITICISM = "criticism", "通报批评"
    TRANSFER = "transfer", "移交纪委监委"
    STAR_NOMINATION = "star_nomination", "作风之星提名"
    STAR_AWARD = "star_award", "作风之星"


class AccountabilityStatus(models.TextChoices):
    PROPOSED = "proposed", "拟提议"
    CONFIRMED = "confirmed", "已确定"
    DONE = "done", "已完成"
    DROPPED = "dropped", "已撤销"


class AccountabilityRecord(models.Model):
    kind = models.CharField("类型", max_length=20, choices=AccountabilityKind.choices)
    status = models.CharField(
        "状态", max_length=10, choices=AccountabilityStatus.choices, default=AccountabilityStatus.PROPOSED
    )
    unit = models.ForeignKey("org.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    person_name = models.CharField("人员", max_length=50, blank=True)
    year = models.PositiveSmallIntegerField("所涉年份")
    month = models.PositiveSmallIntegerField("所涉月份")
    reason = models.TextField("事由", max_length=2000)
    figures = models.JSONField("依据数据", default=dict)
    tickets = models.ManyToManyField("tickets.Ticket", verbose_name="关联诉求", blank=True, related_name="+")
    automatic = models.BooleanField("规则自动提议", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("登记时间")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)
    version = models.PositiveIntegerField("版本", default=1, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "奖惩问责记录"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.unit}"


class DashboardMonth(models.Model):
    """The dashboard's counts of one calendar month, computed from the cases (`DashboardCell`
    rows) in the background, and the month's per-unit figures of every scope under the settings of
    that moment (`figures`, what the ranking page previews before a ranking is computed); the months
    that still change are recomputed every ten minutes, settled months never. The row is also the
    claim of a pending build: `requested_at` is set by the one request that enqueued it (a
    conditional update), so simultaneous requests enqueue one build."""

    year = models.PositiveSmallIntegerField("年")
    month = models.PositiveSmallIntegerField("月")
    computed_at = models.DateTimeField("计算时间", null=True, blank=True)
    figures = models.JSONField("各单位指标（预览）", default=dict, blank=True)
    requested_at = models.DateTimeField("后台计算请求时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "看板月度汇总"
        constraints = [models.UniqueConstraint(fields=["year", "month"], name="dashboard_month_unique")]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}"


class DashboardCell(models.Model):
    """Counts of one month for one (case region, lead unit's region, channel, first-level
    category): exactly the keys the dashboard filters and groups by, so a month holds as many
    cells as such combinations occur, not one per lead unit and leaf category (which made it
    about one cell per case, docs/data-growth.md)."""

    summary = models.ForeignKey(DashboardMonth, on_delete=models.CASCADE, related_name="cells")
    region_path = models.CharField("区划路径", max_length=120, blank=True)
    unit_region_path = models.CharField("主办单位区划路径", max_length=120, blank=True)
    channel = models.CharField("渠道", max_length=20)
    category_root = models.CharField("一级分类", max_length=120, blank=True)
    received = models.PositiveIntegerField("受理数", default=0)
    overdue = models.PositiveIntegerField("新增超期数", default=0)
    follow_ups = models.PositiveIntegerField("回访数", default=0)
    satisfied = models.PositiveIntegerField("满意回访数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "看板汇总明细"

    def __str__(self) -> str:
        return f"{self.summary} {self.channel}"


class InactionPattern(models.TextChoices):
    REPEAT = "repeat", "重复反映"
    SAME_PROBLEM = "same_problem", "同一企业同类问题反复反映"
    ESCALATED = "escalated", "问题上交"
    REOPENED = "reopened", "重办"
    OVERDUE = "overdue", "超期"


class InactionScan(models.Model):
    """One detection of 不作为/慢作为 for a month: when it last ran and what it counted."""

    year = models.PositiveSmallIntegerField("年份")
    month = models.PositiveSmallIntegerField("月份")
    detected_at = models.DateTimeField("检测时间")
    as_of = models.DateTimeField("数据截至")
    cases = models.PositiveIntegerField("当月诉求数", default=0)
    findings = models.PositiveIntegerField("发现数", default=0)
    proposals = models.PositiveIntegerField("新提议数", default=0)
    seconds = models.FloatField("用时（秒）", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "不作为慢作为检测"
        constraints = [models.UniqueConstraint(fields=["year", "month"], name="inaction_scan_once_per_month")]

    def __str__(self) -> str:
        return f"{self.year}年{self.month}月不作为慢作为检测"


class InactionFinding(models.Model):
    """A unit whose cases of a month show one pattern of 不作为/慢作为 above its threshold."""

    year = models.PositiveSmallIntegerField("年份")
    month = models.PositiveSmallIntegerField("月份")
    unit = models.ForeignKey("org.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    pattern = models.CharField("情形", max_length=20, choices=InactionPattern.choices)
    cases = models.PositiveIntegerField("涉及诉求数")
    total = models.PositiveIntegerField("当月诉求数")
    level = models.PositiveSmallIntegerField("严重程度", help_text="1 约谈 / 2 责令检查 / 3 通报批评")
    kind = models.CharField("提议类型", max_length=20, choices=AccountabilityKind.choices)
    handlers = models.JSONField("涉及承办人", default=list)
    record = models.ForeignKey(
        AccountabilityRecord,
        verbose_name="问责提议",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    detected_at = models.DateTimeField("检测时间")

    class Meta:
        verbose_name = verbose_name_plural = "不作为慢作为发现"
        ordering = ["-level", "-cases", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "month", "unit", "pattern"],
                name="inaction_finding_once_per_unit_month_pattern",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}年{self.month}月 {self.get_pattern_display()}"


class SpecialStatus(models.TextChoices):
    PLANNED = "planned", "立项"
    ACTIVE = "active", "督查中"
    CLOSED = "closed", "已办结"


class SpecialInspection(models.Model):
    """专项督查 (R14.1): 营商办's inspection of chosen mayor-channel cases and matters decided at
    government meetings — its list (items), their progress and, once closed, the stored report."""

    title = models.CharField("督查名称", max_length=120)
    basis = models.CharField("督查依据与要求", max_length=1000, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=SpecialStatus.choices, default=SpecialStatus.PLANNED
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("立项时间")
    started_at = models.DateTimeField("启动时间", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    report = models.JSONField("督查报告", default=dict, blank=True)
    version = models.PositiveIntegerField("版本", default=1, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "专项督查"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class StarPeriod(models.TextChoices):
    QUARTER = "quarter", "季度"
    HALF = "half", "半年"


class StarRoundStatus(models.TextChoices):
    NOMINATING = "nominating", "提名中"
    REVIEWING = "reviewing", "评审中"
    PUBLISHED = "published", "已公布"


class StarRound(models.Model):
    """A 作风之星 selection round of one period (R15.1), run by 作风办: units nominate people, each
    nominee is shown with the figures of the period, 作风办 decides and publishes the list."""

    year = models.PositiveSmallIntegerField("年份")
    period = models.CharField("评选周期", max_length=10, choices=StarPeriod.choices)
    number = models.PositiveSmallIntegerField("期次", help_text="季度 1–4，半年 1–2")
    title = models.CharField("标题", max_length=80)
    status = models.CharField(
        "状态", max_length=12, choices=StarRoundStatus.choices, default=StarRoundStatus.NOMINATING
    )
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField("发起时间")
    closed_at = models.DateTimeField("截止提名时间", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField("公布时间", null=True, blank=True)
    version = models.PositiveIntegerField("版本", default=1, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "作风之星评选"
        ordering = ["-year", "-period", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["year", "period", "number"], name="star_round_once_per_period")
        ]

    def __str__(self) -> str:
        return self.title


class SpecialItemKind(models.TextChoices):
    MAYOR = "mayor", "市长直通车诉求"
    MEETING = "meeting", "政府会议议定事项"


class SpecialVerdict(models.TextChoices):
    PENDING = "pending", "待核查"
    DONE = "done", "已落实"
    LAGGING = "lagging", "推进滞后"
    NOT_DONE = "not_done", "未落实"


class SpecialInspectionItem(models.Model):
    """One case or meeting decision under a 专项督查, with the inspector's finding. The meeting
    decision is named by its id in the escalation app (read through `sources`)."""

    inspection = models.ForeignKey(SpecialInspection, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField("类型", max_length=10, choices=SpecialItemKind.choices)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name="诉求",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    task_ref = models.PositiveIntegerField("议定事项编号", null=True, blank=True)
    title = models.CharField("事项", max_length=500)
    unit = models.ForeignKey(
        "org.Unit", verbose_name="责任单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_at = models.DateTimeField("办理期限", null=True, blank=True)
    verdict = models.CharField(
        "督查结论", max_length=10, choices=SpecialVerdict.choices, default=SpecialVerdict.PENDING
    )
    finding = models.CharField("督查意见", max_length=1000, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField("核查时间", null=True, blank=True)
    added_at = models.DateTimeField("纳入时间")

    class Meta:
        verbose_name = verbose_name_plural = "专项督查事项"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "ticket"],
                condition=models.Q(ticket__isnull=False),
                name="special_item_case_once",
            ),
            models.UniqueConstraint(
                fields=["inspection", "task_ref"],
                condition=models.Q(task_ref__isnull=False),
                name="special_item_task_once",
            ),
        ]

    def __str__(self) -> str:
        return self.title[:40]


class NoticeCase(models.Model):
    """负面典型案例: a case chosen (选入) into a 通报 as a negative example, with a short 说明."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="negative_cases")
    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name="诉求", on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "org.Unit", verbose_name="责任单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField("说明", max_length=300)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField("选入时间")

    class Meta:
        verbose_name = verbose_name_plural = "负面典型案例"
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["notice", "ticket"], name="notice_case_once")]

    def __str__(self) -> str:
        return f"{self.notice_id} {self.ticket_id}"


class StarDecision(models.TextChoices):
    PENDING = "pending", "待评审"
    SELECTED = "selected", "评选为作风之星"
    NOT_SELECTED = "not_selected", "未评选"


class StarNomination(models.Model):
    """One person nominated by a unit in a round, with the reason; decided by 作风办."""

    round = models.ForeignKey(StarRound, on_delete=models.CASCADE, related_name="nominations")
    unit = models.ForeignKey("org.Unit", verbose_name="推荐单位", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="被推荐人", on_delete=models.PROTECT, related_name="+"
    )
    person_name = models.CharField("被推荐人姓名", max_length=50)
    reason = models.TextField("推荐理由", max_length=2000)
    nominated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    nominated_at = models.DateTimeField("推荐时间")
    decision = models.CharField(
        "评审结果", max_length=12, choices=StarDecision.choices, default=StarDecision.PENDING
    )
    decision_reason = models.TextField("评审意见", max_length=2000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("评审时间", null=True, blank=True)
    figures = models.JSONField("评审时的依据数据", default=dict, blank=True)
    record = models.ForeignKey(
        AccountabilityRecord,
        verbose_name="作风之星记录",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    version = models.PositiveIntegerField("版本", default=1, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "作风之星提名"
        ordering = ["unit__name", "person_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "person"], name="star_nomination_once_per_round")
        ]

    def __str__(self) -> str:
        return f"{self.round} {self.person_name}"


class TransferStatus(models.TextChoices):
    SENT = "sent", "已移送"
    RECEIVED = "received", "已接收"
    CONCLUDED = "concluded", "已反馈处理结果"


class DisciplineTransfer(models.Model):
    """An accountability record (or an inaction proposal, which is one) handed over to 纪委监委
    (R15.2): when, with which materials, by whom; 纪委监委 confirms receipt and later records
    the outcome."""

    record = models.ForeignKey(
        AccountabilityRecord, verbose_name="问责记录", on_delete=models.PROTECT, related_name="transfers"
    )
    addressee = models.ForeignKey(
        "org.Unit", verbose_name="接收机关", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        "状态", max_length=10, choices=TransferStatus.choices, default=TransferStatus.SENT
    )
    transferred_on = models.DateField("移送日期")
    materials = models.TextField("移送材料", max_length=4000)
    transferred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间")
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField("接收时间", null=True, blank=True)
    receipt_note = models.CharField("接收说明", max_length=500, blank=True)
    outcome = models.TextField("处理结果", max_length=4000, blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome_at = models.DateTimeField("结果反馈时间", null=True, blank=True)
    version = models.PositiveIntegerField("版本", default=1, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "移送纪委监委"
        ordering = ["-transferred_on", "-id"]

    def __str__(self) -> str:
        return f"移送纪委监委：{self.record}"


class CaseAnalysisStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"


class CaseAnalysis(models.Model):
    """分析研判 (R10): a lead unit's own analysis of its cases over a period — which categories and
    cases, what it found, the causes and the measures, optionally the hotspots (堵点) it drew on.
    A unit sees only its own; 营商办 sees every unit's."""

    unit = models.ForeignKey("org.Unit", verbose_name="研判单位", on_delete=models.PROTECT, related_name="+")
    title = models.CharField("研判主题", max_length=120)
    period_start = models.DateField("研判期间起")
    period_end = models.DateField("研判期间止")
    categories = models.ManyToManyField(
        "tickets.Category", verbose_name="涉及诉求分类", blank=True, related_name="+"
    )
    cases = models.ManyToManyField("tickets.Ticket", verbose_name="涉及诉求", blank=True, related_name="+")
    hotspots = models.ManyToManyField(
        "insight.HotspotProblem", verbose_name="关联堵点", blank=True, related_name="+"
    )
    case_count = models.PositiveIntegerField("期间本单位主办诉求数", default=0)
    findings = models.TextField("主要问题与研判结论", max_length=5000)
    causes = models.TextField("原因分析", max_length=5000)
    measures = models.TextField("应对措施", max_length=5000)
    status = models.CharField(
        "状态", max_length=10, choices=CaseAnalysisStatus.choices, default=CaseAnalysisStatus.DRAFT
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间")
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    version = models.PositiveIntegerField("版本", default=1, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "分析研判"
        ordering = ["-period_end", "-id"]

    def __str__(self) -> str:
        return f"{self.unit} {self.title}"


class AnalysisMeeting(models.Model):
    """The 处置分析会 of one month (R11.2): held in month (year, month) after the ledgers of the
    month before were due (the 25th), drawing on those ledgers. The meeting itself — chair,
    attendees, minutes, held or not, decided tasks — is an escalation meeting of type 营商环境问题
    处置分析会; this row ties it to its month and its ledgers."""

    year = models.PositiveSmallIntegerField("会议年份")
    month = models.PositiveSmallIntegerField("会议月份")
    meeting = models.OneToOneField(
        "escalation.Meeting", verbose_name="会议", on_delete=models.PROTECT, related_name="+"
    )
    ledgers = models.ManyToManyField(Ledger, verbose_name="依据台账", blank=True, related_name="+")
    ledger_year = models.PositiveSmallIntegerField("台账年份")
    ledger_month = models.PositiveSmallIntegerField("台账月份")
    scheduled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    scheduled_at = models.DateTimeField("安排时间")

    class Meta:
        verbose_name = verbose_name_plural = "处置分析会"
        ordering = ["-year", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["year", "month"], name="analysis_meeting_one_per_month")
        ]

    def __str__(self) -> str:
        return f"{self.year}年{self.month}月处置分析会"
