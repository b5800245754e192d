"""Platform-level tables: the scheduler's claimed periods."""

from __future__ import annotations

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
