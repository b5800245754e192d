"""Models of outreach: investment projects and their chief service officers (R1), policies pushed
to enterprises (R4.1, R13.1), associations, volunteer supervisors and talks (R5), entrepreneurs'
symposia (R13). No business logic here: every change goes through `actions_*.py`."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from bangban.core.satisfaction import Satisfaction

# --- R1 investment projects ------------------------------------------------------------------------


class ProjectStage(models.TextChoices):
    NEGOTIATING = "negotiating", "洽谈"
    SIGNED = "signed", "签约"
    APPROVING = "approving", "审批办理"
    CONSTRUCTING = "constructing", "开工建设"
    PRODUCING = "producing", "竣工投产"


class InvestmentProject(models.Model):
    name = models.CharField("项目名称", max_length=120, db_index=True)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="项目企业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="investment_projects",
    )
    investor = models.CharField("投资方", max_length=120, blank=True)
    region = models.ForeignKey(
        "org.Region", verbose_name="所在区划", on_delete=models.PROTECT, related_name="investment_projects"
    )
    amount = models.DecimalField("投资额（万元）", max_digits=14, decimal_places=2)
    stage = models.CharField(
        "项目阶段", max_length=20, choices=ProjectStage.choices, default=ProjectStage.SIGNED
    )
    chief_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="首席服务员",
        on_delete=models.PROTECT,
        related_name="chief_projects",
    )
    lead_unit = models.ForeignKey(
        "org.Unit",
        verbose_name="牵头招商部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="investment_projects",
    )
    description = models.TextField("项目概况", blank=True)
    is_active = models.BooleanField("在服务", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    version = models.PositiveIntegerField("版本", default=1, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "招商项目"
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return self.name


class ProcedureMode(models.TextChoices):
    PROXY = "proxy", "全程代办"
    INFORM = "inform", "告知"


class ProcedureStatus(models.TextChoices):
    PENDING = "pending", "未开始"
    IN_PROGRESS = "in_progress", "办理中"
    DONE = "done", "已办结"
    INFORMED = "informed", "已告知"


class ProjectProcedure(models.Model):
    """代办事项: one approval or procedure of a project (R1.2)."""

    project = models.ForeignKey(
        InvestmentProject, verbose_name="项目", on_delete=models.CASCADE, related_name="procedures"
    )
    name = models.CharField("办理事项", max_length=120)
    handling_unit = models.ForeignKey(
        "org.Unit", verbose_name="办理单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    mode = models.CharField("办理方式", max_length=10, choices=ProcedureMode.choices)
    status = models.CharField(
        "办理状态", max_length=12, choices=ProcedureStatus.choices, default=ProcedureStatus.PENDING
    )
    due_date = models.DateField("计划办结日期", null=True, blank=True)
    done_at = models.DateTimeField("办结时间", null=True, blank=True)
    inform_reason = models.TextField("不能代办的原因", blank=True)
    inform_solution = models.TextField("解决办法", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    version = models.PositiveIntegerField("版本", default=1, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "代办事项"
        ordering = ["project_id", "id"]
        constraints = [
            # 告知 always carries the reason and the proposed solution (R1.2).
            models.CheckConstraint(
                name="procedure_inform_has_reason_and_solution",
                condition=~models.Q(mode="inform")
                | (~models.Q(inform_reason="") & ~models.Q(inform_solution="")),
            )
        ]

    def __str__(self) -> str:
        return self.name


class ProcedureStep(models.Model):
    """A progress note of a 全程代办 procedure."""

    procedure = models.ForeignKey(
        ProjectProcedure, verbose_name="代办事项", on_delete=models.CASCADE, related_name="steps"
    )
    note = models.CharField("进展", max_length=500)
    status_after = models.CharField("办理状态", max_length=12, choices=ProcedureStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField("时间")

    class Meta:
        verbose_name = verbose_name_plural = "代办进展"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.note[:50]


class CollectionRound(models.Model):
    """One month's collection of the problems met by chief service officers in one county or zone,
    run by the lead investment department there (R1.3)."""

    region = models.ForeignKey(
        "org.Region", verbose_name="县区/功能区", on_delete=models.PROTECT, related_name="collection_rounds"
    )
    year = models.PositiveSmallIntegerField("年")
    month = models.PositiveSmallIntegerField("月")
    lead_unit = models.ForeignKey(
        "org.Unit",
        verbose_name="牵头招商部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_date = models.DateField("报送截止日")
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="报送人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reminded_at = models.DateTimeField("最近提醒", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "问题收集轮次"
        ordering = ["-year", "-month", "region__path"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year", "month"], name="collection_round_once")
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.year}年{self.month}月"


class ProblemOutcome(models.TextChoices):
    OPEN = "open", "待处理"
    SOLVED = "solved", "本级解决"
    TRANSFERRED = "transferred", "转市商务局"
    COORDINATED = "coordinated", "协调相关职能部门"


class ProjectProblem(models.Model):
    round = models.ForeignKey(
        CollectionRound, verbose_name="收集轮次", on_delete=models.PROTECT, related_name="problems"
    )
    project = models.ForeignKey(
        InvestmentProject, verbose_name="项目", on_delete=models.PROTECT, related_name="problems"
    )
    title = models.CharField("问题", max_length=120)
    content = models.TextField("问题描述")
    cannot_do = models.BooleanField("“办不成事”", default=False)
    delays_project = models.BooleanField("影响项目进度", default=False)
    outcome = models.CharField(
        "处理结果", max_length=12, choices=ProblemOutcome.choices, default=ProblemOutcome.OPEN, db_index=True
    )
    solution = models.TextField("解决情况", blank=True)
    ticket = models.OneToOneField(
        "tickets.Ticket",
        verbose_name="转办诉求",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="project_problem",
    )
    target_unit = models.ForeignKey(
        "org.Unit", verbose_name="转交单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField("登记时间")
    handled_at = models.DateTimeField("处理时间", null=True, blank=True)
    version = models.PositiveIntegerField("版本", default=1, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "项目问题"
        ordering = ["-raised_at", "-id"]

    def __str__(self) -> str:
        return self.title


class ProblemCoordination(models.Model):
    """R1.3 协调相关职能部门: the chief service officer (or the lead investment department) met the
    units whose duty a project problem is, and records with whom, when, what came of it and what
    each still has to do. The units involved see it in their view (`/outreach/coordinations/`)."""

    problem = models.OneToOneField(
        ProjectProblem, verbose_name="项目问题", on_delete=models.PROTECT, related_name="coordination"
    )
    units = models.ManyToManyField("org.Unit", verbose_name="协调单位", related_name="+")
    held_on = models.DateField("协调日期")
    outcome = models.TextField("协调结果")
    follow_ups = models.JSONField("后续事项", default=list, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("记录时间")

    class Meta:
        verbose_name = verbose_name_plural = "项目问题协调记录"
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.problem_id} 协调 {self.held_on}"


# --- R4.1 / R13.1 policies -------------------------------------------------------------------------


class Policy(models.Model):
    """惠企政策. An empty tag list means "all" (e.g. no industries: every industry)."""

    title = models.CharField("政策名称", max_length=160, db_index=True)
    doc_number = models.CharField("文号", max_length=60, blank=True)
    issuer = models.ForeignKey(
        "org.Unit", verbose_name="发布单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    summary = models.TextField("政策要点")
    body = models.TextField("政策正文", blank=True)
    url = models.URLField("原文链接", blank=True)
    published_on = models.DateField("发布日期", null=True, blank=True)
    valid_until = models.DateField("有效期至", null=True, blank=True)
    industries = models.JSONField("适用行业", default=list, blank=True)
    region_codes = models.JSONField("适用区划", default=list, blank=True)
    scales = models.JSONField("适用规模", default=list, blank=True)
    tiers = models.JSONField("适用层级", default=list, blank=True)
    keywords = models.JSONField(
        "关联关键词",
        default=list,
        blank=True,
        help_text="诉求标题或内容含其中任一词即计为涉及本政策的诉求（见 outreach/figures.py）",
    )
    is_active = models.BooleanField("有效", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    version = models.PositiveIntegerField("版本", default=1, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "惠企政策"
        ordering = ["-published_on", "-id"]

    def __str__(self) -> str:
        return self.title


class PolicyImportStatus(models.TextChoices):
    PREVIEWED = "previewed", "待确认"
    APPLIED = "applied", "已导入"
    CANCELLED = "cancelled", "已取消"


class PolicyImport(models.Model):
    """A bulk .xlsx import of policies: each row checked and kept with its problem (preview), then
    the valid rows created in one step on confirmation."""

    file_name = models.CharField("文件名", max_length=200)
    status = models.CharField(
        "状态", max_length=10, choices=PolicyImportStatus.choices, default=PolicyImportStatus.PREVIEWED
    )
    # [{"row": 2, "title": ..., "values": {...} | None, "error": "", "code": ""}, ...]
    rows = models.JSONField("逐行检查结果", default=list)
    valid_count = models.PositiveIntegerField("可导入行数", default=0)
    error_count = models.PositiveIntegerField("有误行数", default=0)
    created_count = models.PositiveIntegerField("已导入条数", default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("上传时间")
    applied_at = models.DateTimeField("导入时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "政策批量导入"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.file_name


class PushStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "推送中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class PolicyPush(models.Model):
    policy = models.ForeignKey(Policy, verbose_name="政策", on_delete=models.PROTECT, related_name="pushes")
    pushed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="推送人", on_delete=models.PROTECT, related_name="+"
    )
    # The region the pusher could reach when pushing: the background run never widens it.
    scope_path = models.CharField("推送范围", max_length=120, blank=True)
    send_sms = models.BooleanField("同时发短信", default=True)
    status = models.CharField("状态", max_length=10, choices=PushStatus.choices, default=PushStatus.QUEUED)
    total = models.PositiveIntegerField("匹配企业", default=0)
    processed = models.PositiveIntegerField("已处理", default=0)
    delivered = models.PositiveIntegerField("新送达", default=0)
    error = models.CharField("错误", max_length=300, blank=True)
    created_at = models.DateTimeField("推送时间")
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "政策推送"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"推送：{self.policy_id}"

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, self.processed * 100 // self.total)

    @property
    def running(self) -> bool:
        return self.status in (PushStatus.QUEUED, PushStatus.RUNNING)


class PolicyDelivery(models.Model):
    """A policy delivered to one enterprise, with its read receipt."""

    policy = models.ForeignKey(
        Policy, verbose_name="政策", on_delete=models.PROTECT, related_name="deliveries"
    )
    push = models.ForeignKey(
        PolicyPush, verbose_name="推送", on_delete=models.PROTECT, related_name="deliveries"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="企业",
        on_delete=models.PROTECT,
        related_name="policy_deliveries",
    )
    delivered_at = models.DateTimeField("送达时间")
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="阅读人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = verbose_name_plural = "政策送达"
        ordering = ["-delivered_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["policy", "enterprise"], name="policy_delivered_once")]
        indexes = [models.Index(fields=["enterprise", "-delivered_at"], name="delivery_enterprise_recent")]

    def __str__(self) -> str:
        return f"{self.enterprise_id}:{self.policy_id}"


class PolicyQuestion(models.Model):
    delivery = models.ForeignKey(
        PolicyDelivery, verbose_name="送达", on_delete=models.PROTECT, related_name="questions"
    )
    content = models.TextField("问题")
    ticket = models.OneToOneField(
        "tickets.Ticket", verbose_name="诉求", on_delete=models.PROTECT, related_name="policy_question"
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="提问人", on_delete=models.PROTECT, related_name="+"
    )
    asked_at = models.DateTimeField("提问时间")

    class Meta:
        verbose_name = verbose_name_plural = "政策问题"
        ordering = ["-asked_at", "-id"]

    # --- R5 associations, supervisors, talks -----------------------------------------------------------

    def __str__(self) -> str:
        return self.content[:50]


class Association(models.Model):
    name = models.CharField("协会商会名称", max_length=120, unique=True)
    region = models.ForeignKey(
        "org.Region", verbose_name="所在区划", on_delete=models.PROTECT, related_name="+"
    )
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    members = models.ManyToManyField(
        "enterprises.Enterprise", verbose_name="会员企业", blank=True, related_name="associations"
    )
    # The 行业协会商会 accounts that speak for this association: they submit its opinions and follow
    # the answers and ratings (R5.1).
    accounts = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name="协会商会账号",
        blank=True,
        related_name="outreach_associations",
    )
    is_active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "行业协会商会"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OpinionStatus(models.TextChoices):
    SUBMITTED = "submitted", "待答复"
    ANSWERED = "answered", "已答复"
    RATED = "rated", "已评价"


class AssociationOpinion(models.Model):
    """议事厅: opinions an association collected from its members, answered by a unit, rated by the
    enterprises concerned (R5.1)."""

    association = models.ForeignKey(
        Association, verbose_name="协会商会", on_delete=models.PROTECT, related_name="opinions"
    )
    title = models.CharField("议题", max_length=120)
    content = models.TextField("意见建议")
    enterprises = models.ManyToManyField(
        "enterprises.Enterprise",
        verbose_name="提出意见的企业",
        blank=True,
        related_name="association_opinions",
    )
    answer_unit = models.ForeignKey(
        "org.Unit", verbose_name="答复单位", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        "状态", max_length=10, choices=OpinionStatus.choices, default=OpinionStatus.SUBMITTED
    )
    answer = models.TextField("答复", blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="答复人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="提交人", on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField("提交时间")
    version = models.PositiveIntegerField("版本", default=1, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "议事厅意见"
        ordering = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return self.title


class OpinionRating(models.Model):
    opinion = models.ForeignKey(
        AssociationOpinion, verbose_name="意见", on_delete=models.PROTECT, related_name="ratings"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name="企业", on_delete=models.PROTECT, related_name="+"
    )
    level = models.PositiveSmallIntegerField("满意度", choices=Satisfaction.choices)
    comment = models.CharField("评价", max_length=500, blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="评价人", on_delete=models.PROTECT, related_name="+"
    )
    rated_at = models.DateTimeField("评价时间")

    class Meta:
        verbose_name = verbose_name_plural = "答复评价"
        constraints = [models.UniqueConstraint(fields=["opinion", "enterprise"], name="opinion_rated_once")]

    def __str__(self) -> str:
        return self.get_level_display()


class ReportStatus(models.TextChoices):
    SUBMITTED = "submitted", "待转办"
    FORWARDED = "forwarded", "已转办"
    DECLINED = "declined", "不予转办"


class SupervisorReport(models.Model):
    """A 营商环境监督员's report (R5.3): 营商办 forwards it as a case and follows up."""

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="监督员", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("问题", max_length=120)
    content = models.TextField("问题描述")
    enterprise_name = models.CharField("涉及企业", max_length=120, blank=True)
    region = models.ForeignKey(
        "org.Region", verbose_name="发生地", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        "状态", max_length=10, choices=ReportStatus.choices, default=ReportStatus.SUBMITTED, db_index=True
    )
    ticket = models.OneToOneField(
        "tickets.Ticket",
        verbose_name="诉求",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervisor_report",
    )
    decline_reason = models.CharField("不予转办理由", max_length=300, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    handled_at = models.DateTimeField("处理时间", null=True, blank=True)
    submitted_at = models.DateTimeField("提交时间")
    version = models.PositiveIntegerField("版本", default=1, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "监督员报告"
        ordering = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return self.title


class FollowUp(models.Model):
    """跟踪问效: a note by 营商办 (or the symposium's organisers) on what became of an item."""

    report = models.ForeignKey(
        SupervisorReport,
        verbose_name="监督员报告",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="follow_ups",
    )
    suggestion = models.ForeignKey(
        "SymposiumSuggestion",
        verbose_name="座谈会建议",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="follow_ups",
    )
    event_item = models.ForeignKey(
        "EventItem",
        verbose_name="恳谈会问题建议",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="follow_ups",
    )
    note = models.CharField("跟踪情况", max_length=500)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField("时间")

    class Meta:
        verbose_name = verbose_name_plural = "跟踪问效"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.note[:50]


class EventKind(models.TextChoices):
    TALK = "talk", "非公企业家恳谈会"
    FORUM = "forum", "宿商讲坛"


class Event(models.Model):
    kind = models.CharField("类型", max_length=10, choices=EventKind.choices)
    theme = models.CharField("主题", max_length=120)
    held_on = models.DateField("举办日期")
    location = models.CharField("地点", max_length=120, blank=True)
    organiser = models.ForeignKey(
        "org.Unit", verbose_name="主办单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    participants = models.TextField("参加人员", blank=True)
    enterprises = models.ManyToManyField(
        "enterprises.Enterprise", verbose_name="参会企业", blank=True, related_name="+"
    )
    outcomes = models.TextField("反映问题和建议/成果", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    version = models.PositiveIntegerField("版本", default=1, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "恳谈会和讲坛"
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.theme


class EventItemKind(models.TextChoices):
    PROBLEM = "problem", "反映问题"
    SUGGESTION = "suggestion", "意见建议"


class EventItem(models.Model):
    """One problem or suggestion raised at a 恳谈会 (反映+建议, R5.2): turned into a case once
    (`ticket`), then followed up (`FollowUp.event_item`)."""

    event = models.ForeignKey(Event, verbose_name="恳谈会", on_delete=models.CASCADE, related_name="items")
    kind = models.CharField("类别", max_length=12, choices=EventItemKind.choices)
    content = models.TextField("内容")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="提出企业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    raised_by = models.CharField("提出人", max_length=50, blank=True)
    ticket = models.OneToOneField(
        "tickets.Ticket",
        verbose_name="诉求",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="event_item",
    )
    converted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="转诉求人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    converted_at = models.DateTimeField("转诉求时间", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("记录时间")
    version = models.PositiveIntegerField("版本", default=1, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "恳谈会问题建议"
        ordering = ["event_id", "id"]

    def __str__(self) -> str:
        return self.content[:50]


class EventAttendance(models.Model):
    """签到: one person present at a 宿商讲坛 (or 恳谈会) session, with the enterprise they came for."""

    event = models.ForeignKey(
        Event, verbose_name="活动", on_delete=models.CASCADE, related_name="attendances"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="所在企业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField("姓名", max_length=50)
    position = models.CharField("职务", max_length=50, blank=True)
    phone = models.CharField("联系电话", max_length=30, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("记录时间")

    class Meta:
        verbose_name = verbose_name_plural = "活动签到"
        ordering = ["event_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "enterprise", "name"], name="event_attended_once"),
        ]

    def __str__(self) -> str:
        return self.name


# --- R13 entrepreneurs' symposia -------------------------------------------------------------------


class SymposiumStatus(models.TextChoices):
    NOMINATING = "nominating", "征集人选"
    SELECTED = "selected", "已确定人选"
    HELD = "held", "已召开"


class Symposium(models.Model):
    year = models.PositiveSmallIntegerField("年度")
    half = models.PositiveSmallIntegerField("半年", choices=[(1, "上半年"), (2, "下半年")])
    title = models.CharField("名称", max_length=120)
    themes = models.TextField("主题（每行一个）")
    lead_unit = models.ForeignKey(
        "org.Unit", verbose_name="牵头单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    planned_on = models.DateField("计划召开日期", null=True, blank=True)
    held_on = models.DateField("召开日期", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=SymposiumStatus.choices, default=SymposiumStatus.NOMINATING
    )
    policies = models.ManyToManyField(Policy, verbose_name="推送政策", blank=True, related_name="symposia")
    co_units: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        "org.Unit",
        verbose_name="配合单位",
        blank=True,
        through="SymposiumCoUnit",
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    version = models.PositiveIntegerField("版本", default=1, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "企业家座谈会"
        ordering = ["-year", "-half"]
        constraints = [models.UniqueConstraint(fields=["year", "half"], name="symposium_every_half_year")]

    def __str__(self) -> str:
        return self.title

    @property
    def theme_list(self) -> list[str]:
        return [t.strip() for t in self.themes.splitlines() if t.strip()]


class SymposiumCoUnit(models.Model):
    """A 配合单位 of a symposium (R13: 市农业农村局, 市发展改革委 …), and when its people were told."""

    symposium = models.ForeignKey(
        Symposium, verbose_name="座谈会", on_delete=models.CASCADE, related_name="co_unit_links"
    )
    unit = models.ForeignKey("org.Unit", verbose_name="配合单位", on_delete=models.PROTECT, related_name="+")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="设定人", on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField("设定时间")
    notified_at = models.DateTimeField("最近通知时间", null=True, blank=True)
    notified_people = models.PositiveIntegerField("通知人数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "座谈会配合单位"
        ordering = ["symposium_id", "id"]
        constraints = [models.UniqueConstraint(fields=["symposium", "unit"], name="symposium_co_unit_once")]

    def __str__(self) -> str:
        return f"{self.symposium_id}:{self.unit_id}"


class NominationSource(models.TextChoices):
    SELF = "self", "企业自荐"
    DEPARTMENT = "department", "部门推荐"


class NominationStatus(models.TextChoices):
    PENDING = "pending", "待遴选"
    SELECTED = "selected", "入选"
    NOT_SELECTED = "not_selected", "未入选"


class SymposiumNomination(models.Model):
    symposium = models.ForeignKey(
        Symposium, verbose_name="座谈会", on_delete=models.CASCADE, related_name="nominations"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name="企业", on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField("来源", max_length=12, choices=NominationSource.choices)
    unit = models.ForeignKey(
        "org.Unit", verbose_name="推荐单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField("推荐理由", max_length=300, blank=True)
    status = models.CharField(
        "遴选结果", max_length=12, choices=NominationStatus.choices, default=NominationStatus.PENDING
    )
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="提交人", on_delete=models.PROTECT, related_name="+"
    )
    nominated_at = models.DateTimeField("提交时间")

    class Meta:
        verbose_name = verbose_name_plural = "座谈会人选"
        ordering = ["symposium_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["symposium", "enterprise"], name="symposium_nominated_once")
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id}（{self.get_source_display()}）"


class SymposiumSuggestion(models.Model):
    symposium = models.ForeignKey(
        Symposium, verbose_name="座谈会", on_delete=models.CASCADE, related_name="suggestions"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name="企业", on_delete=models.PROTECT, related_name="+"
    )
    content = models.TextField("意见建议")
    is_major = models.BooleanField("重大问题", default=False)
    ticket = models.OneToOneField(
        "tickets.Ticket",
        verbose_name="诉求",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="symposium_suggestion",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("记录时间")

    class Meta:
        verbose_name = verbose_name_plural = "座谈会建议"
        ordering = ["symposium_id", "id"]

    def __str__(self) -> str:
        return self.content[:50]
