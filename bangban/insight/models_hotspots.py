"""Hotspots (堵点): a run over a window of cases, the problems it found and their cases."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from bangban.tickets.models import ReplyResult


class RunStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "分析中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class HotspotRun(models.Model):
    """One analysis of the cases received in [window_start, window_end)."""

    window_start = models.DateTimeField("窗口起")
    window_end = models.DateTimeField("窗口止", db_index=True)
    window_days = models.PositiveSmallIntegerField("窗口天数")
    baseline_windows = models.PositiveSmallIntegerField("基线窗口数", default=2)
    requested_at = models.DateTimeField("发起时间", db_index=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="空：定时任务发起",
    )
    status = models.CharField("状态", max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField("进度（%）", default=0)
    stage = models.CharField("当前步骤", max_length=40, blank=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    case_count = models.PositiveIntegerField("窗口内诉求数", default=0)
    problem_count = models.PositiveIntegerField("堵点数", default=0)
    error = models.CharField("失败原因", max_length=500, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "堵点分析"
        verbose_name_plural = "堵点分析"
        ordering = ["-window_end", "-id"]

    def __str__(self) -> str:
        return f"堵点分析 {self.window_start:%Y-%m-%d}—{self.window_end:%Y-%m-%d}"


class HotspotProblem(models.Model):
    """A problem (堵点) one run found: a group of cases about the same thing, with its heat and class."""

    run = models.ForeignKey(HotspotRun, on_delete=models.CASCADE, related_name="problems")
    rank = models.PositiveIntegerField("热度排名")
    label = models.CharField("堵点", max_length=200)
    phrases = models.JSONField("关键词", default=list)
    representative = models.ForeignKey(
        "tickets.Ticket", verbose_name="典型诉求", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    case_count = models.PositiveIntegerField("诉求数")
    enterprise_count = models.PositiveIntegerField("涉及企业数")
    region_count = models.PositiveIntegerField("涉及区域数")
    unit_count = models.PositiveIntegerField("涉及单位数")
    day_span = models.PositiveIntegerField("持续天数")
    repeat_count = models.PositiveIntegerField("重复反映数")
    bad_rating_count = models.PositiveIntegerField("差评数")
    baseline = models.FloatField("基线（前期窗口平均诉求数）")
    heat = models.FloatField("热度", db_index=True)
    emerging = models.BooleanField("苗头性", default=False)
    typical = models.BooleanField("典型性", default=False)
    concentrated = models.BooleanField("集中性", default=False)
    concentration = models.CharField("集中于", max_length=200, blank=True)
    cohesion = models.FloatField("相似度", default=0.0)
    escalated_at = models.DateTimeField("转督办时间", null=True, blank=True)
    escalated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    escalation_orders = models.JSONField("督办单", default=list, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "堵点"
        verbose_name_plural = "堵点"
        ordering = ["run", "rank"]
        constraints = [models.UniqueConstraint(fields=["run", "rank"], name="insight_problem_rank")]

    def __str__(self) -> str:
        return self.label


class HotspotCase(models.Model):
    """A case of a problem (in the run's window; earlier cases only count in the baseline)."""

    problem = models.ForeignKey(HotspotProblem, on_delete=models.CASCADE, related_name="cases")
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField("次序", default=0)

    class Meta:
        verbose_name = "堵点诉求"
        verbose_name_plural = "堵点诉求"
        ordering = ["problem", "position"]
        constraints = [models.UniqueConstraint(fields=["problem", "ticket"], name="insight_problem_case")]

    def __str__(self) -> str:
        return f"{self.problem_id}:{self.ticket_id}"


class TaskStatus(models.TextChoices):
    OPEN = "open", "待答复"
    REVIEW = "review", "答复待审核"
    DONE = "done", "已答复"


class TaskCaseOutcome(models.TextChoices):
    PENDING = "pending", "待统一答复"
    REPLIED = "replied", "已统一答复"
    LEFT = "left", "已办结或已答复，未改动"
    REFUSED = "refused", "未能写入答复"


class HotspotTask(models.Model):
    """类案督办: one problem (堵点) turned by 营商办 into one task for one responsible unit, which
    answers it once (the systemic fix); approved by the unit's head, the answer becomes the reply of
    each linked case still 办理中 (see docs/text-intelligence.md, 转为类案督办)."""

    problem = models.OneToOneField(
        HotspotProblem, verbose_name="堵点", on_delete=models.PROTECT, related_name="task"
    )
    unit = models.ForeignKey("org.Unit", verbose_name="责任单位", on_delete=models.PROTECT, related_name="+")
    requirement = models.TextField("督办要求", max_length=800)
    workdays = models.PositiveSmallIntegerField("答复时限（工作日）")
    due_at = models.DateTimeField("答复期限")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发起人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("发起时间")
    status = models.CharField(
        "状态", max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN, db_index=True
    )
    answer = models.TextField("统一答复", blank=True)
    measures = models.TextField("已采取的整改措施", blank=True)
    # The 办理结果 copied to each linked case's reply (12345 回访 and the ratings read it there).
    result = models.CharField("办理结果", max_length=12, choices=ReplyResult.choices, blank=True, default="")
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    review_comment = models.CharField("审核意见", max_length=500, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "类案督办"
        verbose_name_plural = "类案督办"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"类案督办：{self.problem.label}" if self.problem_id else "类案督办"


class HotspotTaskCase(models.Model):
    """A case linked to a 类案督办 (open and dispatched when the task was created), and what the
    approved answer did to it."""

    task = models.ForeignKey(HotspotTask, on_delete=models.CASCADE, related_name="cases")
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    linked_status = models.CharField("纳入时状态", max_length=20)
    outcome = models.CharField(
        "结果", max_length=10, choices=TaskCaseOutcome.choices, default=TaskCaseOutcome.PENDING
    )
    settled_status = models.CharField("审核通过时状态", max_length=20, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)
    settled_at = models.DateTimeField("处理时间", null=True, blank=True)

    class Meta:
        verbose_name = "类案督办诉求"
        verbose_name_plural = "类案督办诉求"
        ordering = ["task", "ticket"]
        constraints = [models.UniqueConstraint(fields=["task", "ticket"], name="insight_task_case")]

    def __str__(self) -> str:
        return f"{self.task_id}:{self.ticket_id}"
