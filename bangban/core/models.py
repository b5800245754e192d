"""Platform-level tables: the scheduler's claimed periods and background exports."""

from __future__ import annotations

import uuid

from django.db import models


class ScheduledRun(models.Model):
    """One row per (job, period). The unique constraint is the lock: whichever scheduler instance
    inserts the row first runs the job for that period; every other instance gets an
    IntegrityError and skips, so many schedulers never double-run a job."""

    job = models.CharField("任务", max_length=80)
    period = models.CharField("周期", max_length=40)
    claimed_at = models.DateTimeField("领取时间", auto_now_add=True)
    claimed_by = models.CharField("领取进程", max_length=120, blank=True)
    task_id = models.CharField("任务ID", max_length=64, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "定时任务记录"
        ordering = ["-claimed_at"]
        constraints = [
            models.UniqueConstraint(fields=["job", "period"], name="scheduled_run_once_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.job}@{self.period}"


class ExportStatus(models.TextChoices):
    PENDING = "pending", "排队中"
    RUNNING = "running", "生成中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class ExportJob(models.Model):
    """A large Excel export written by a worker instead of inside the request: who asked, which
    list with which filter, how far it has got, and the finished file (kept for a few days)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        "accounts.User", verbose_name="申请人", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField("导出内容", max_length=40)
    label = models.CharField("名称", max_length=80)
    params = models.JSONField("筛选条件", default=dict)
    status = models.CharField(
        "状态", max_length=10, choices=ExportStatus.choices, default=ExportStatus.PENDING
    )
    total = models.PositiveIntegerField("预计行数", default=0)
    done = models.PositiveIntegerField("已写行数", default=0)
    filename = models.CharField("文件名", max_length=120, blank=True)
    file = models.FileField("文件", upload_to="exports/%Y/%m/", blank=True)
    size = models.PositiveBigIntegerField("大小（字节）", default=0)
    error = models.CharField("失败原因", max_length=300, blank=True)
    created_at = models.DateTimeField("申请时间", auto_now_add=True, db_index=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "后台导出"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "created_at"], name="export_user_recent")]

    def __str__(self) -> str:
        return f"{self.label}（{self.get_status_display()}）"

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        if not self.total:
            return 0
        return min(99, self.done * 100 // self.total)


class RateCounter(models.Model):
    """How many times one subject (a hashed client address, phone number, or "*" for a global
    budget) did one limited thing in one fixed time window: the race-free counter of
    `bangban.core.throttle`, in the database so that every web process shares it. `key` is a keyed
    hash of the scope and the subject (no address or number is stored); old rows are deleted."""

    key = models.CharField("计数键", max_length=64)
    window_start = models.DateTimeField("时段开始")
    count = models.PositiveIntegerField("次数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "频次计数"
        constraints = [models.UniqueConstraint(fields=["key", "window_start"], name="core_rate_counter_once")]
        indexes = [models.Index(fields=["window_start"], name="core_rate_counter_age")]

    def __str__(self) -> str:
        return f"{self.key[:12]}… {self.window_start:%Y-%m-%d %H:%M} ×{self.count}"


class WorkerHeartbeat(models.Model):
    """A task worker (`manage.py task_worker`) says it is alive every few seconds, from a thread of
    its own, also while it runs a long task. A task RUNNING under a worker whose heartbeat is older
    than the lease was left by a dead worker and is queued again (bangban.core.worker)."""

    worker_id = models.CharField("任务进程", max_length=64, primary_key=True)
    host = models.CharField("主机", max_length=120, blank=True)
    started_at = models.DateTimeField("启动时间")
    seen_at = models.DateTimeField("最近心跳", db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "任务进程心跳"
        ordering = ["-seen_at"]

    def __str__(self) -> str:
        return self.worker_id
