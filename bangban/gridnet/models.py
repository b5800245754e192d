"""The 一张网 event dispatch platform connector (docs/gridnet.md): the work orders it sent — each
filed once as a case — and the status reports sent back to it (an outbox of HTTP callbacks)."""

from __future__ import annotations

from django.db import models


class Responsibility(models.TextChoices):
    CLEAR = "clear", "职责明确"
    UNCLEAR = "unclear", "责任不明"
    SHARED = "shared", "职责交叉"


class WorkOrder(models.Model):
    """One work order of the platform, filed as one case (idempotent on `order_id`)."""

    order_id = models.CharField("平台工单号", max_length=64, unique=True)
    ticket = models.OneToOneField(
        "tickets.Ticket", verbose_name="诉求", on_delete=models.PROTECT, related_name="gridnet_order"
    )
    content_hash = models.CharField("内容摘要", max_length=64, editable=False)
    category_code = models.CharField("事件类型编码", max_length=20)
    responsibility = models.CharField(
        "职责情况", max_length=10, choices=Responsibility.choices, default=Responsibility.CLEAR
    )
    platform_deadline = models.DateTimeField("平台办结时限", null=True, blank=True)
    dispatched_at = models.DateTimeField("平台派发时间", null=True, blank=True)
    payload = models.JSONField("原始报文")
    received_at = models.DateTimeField("接收时间")
    # The case status last queued for the platform: a case whose status differs gets a new report.
    reported_status = models.CharField("已回传状态", max_length=20)

    class Meta:
        verbose_name = verbose_name_plural = "一张网工单"
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return self.order_id


class ReportState(models.TextChoices):
    PENDING = "pending", "待回传"
    SENT = "sent", "已回传"
    FAILED = "failed", "回传失败"


class StatusReport(models.Model):
    """One status change of a case, to be POSTed back to the platform (at least once, in order)."""

    order = models.ForeignKey(
        WorkOrder, verbose_name="工单", on_delete=models.CASCADE, related_name="reports"
    )
    case_status = models.CharField("诉求状态", max_length=20)
    payload = models.JSONField("回传报文")
    state = models.CharField(
        "回传状态", max_length=10, choices=ReportState.choices, default=ReportState.PENDING
    )
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试")
    last_error = models.CharField("最近错误", max_length=500, blank=True)
    created_at = models.DateTimeField("生成时间")
    sent_at = models.DateTimeField("回传时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "一张网状态回传"
        ordering = ["order_id", "id"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="gridnet_report_due")]

    def __str__(self) -> str:
        return f"{self.order_id}:{self.case_status}"
