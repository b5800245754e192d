"""Append-only, tamper-evident event log — R0.5.

Each event stores the hash of its predecessor and its own hash over its canonical content, so any
edit, deletion or reordering breaks the chain at a point `verify_audit_chain` names. `ChainHead`
holds the last sequence number and hash; appending locks it, which serialises writers and lets the
verifier notice a truncated tail. On PostgreSQL a trigger refuses UPDATE and DELETE on events; in
every database the model and its querysets refuse them too (`AppendOnlyViolation`).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from bangban.core.errors import ApplicationError


class AppendOnlyViolation(ApplicationError):
    code = "audit_append_only"
    message = "审计日志只允许追加，禁止修改或删除"
    status = 409


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    """Reads and inserts only: every bulk write path that could change or remove events refuses."""

    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyViolation()

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyViolation()

    def _raw_delete(self, using: Any) -> int:
        raise AppendOnlyViolation()

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> int:
        raise AppendOnlyViolation()

    def update_or_create(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyViolation()

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("update_conflicts"):
            raise AppendOnlyViolation()
        return super().bulk_create(objs, *args, **kwargs)


AuditEventManager = models.Manager.from_queryset(AuditEventQuerySet)


class AuditEvent(models.Model):
    seq = models.BigIntegerField("序号", unique=True, editable=False)
    at = models.DateTimeField("时间", db_index=True, editable=False)
    actor_id = models.BigIntegerField("操作人ID", null=True, blank=True, db_index=True, editable=False)
    actor_name = models.CharField("操作人", max_length=80, blank=True, editable=False)
    action = models.CharField("动作", max_length=60, db_index=True, editable=False)
    object_type = models.CharField("对象类型", max_length=60, db_index=True, editable=False)
    object_id = models.CharField("对象ID", max_length=64, blank=True, db_index=True, editable=False)
    object_repr = models.CharField("对象", max_length=200, blank=True, editable=False)
    before = models.JSONField("变更前", null=True, blank=True, editable=False)
    after = models.JSONField("变更后", null=True, blank=True, editable=False)
    ip = models.GenericIPAddressField("来源IP", null=True, blank=True, editable=False)
    source = models.CharField("来源", max_length=10, blank=True, editable=False)
    prev_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, editable=False)

    objects = AuditEventManager()

    class Meta:
        verbose_name = verbose_name_plural = "审计事件"
        ordering = ["-seq"]
        base_manager_name = "objects"
        indexes = [models.Index(fields=["object_type", "object_id", "seq"], name="audit_object_seq")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding or kwargs.get("force_update") or kwargs.get("update_fields"):
            raise AppendOnlyViolation()
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyViolation()


class ChainHead(models.Model):
    """A single row (pk=1): the last appended sequence number and hash."""

    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = verbose_name_plural = "审计链头"

    def __str__(self) -> str:
        return f"#{self.last_seq} {self.last_hash[:12]}"


class ChainVerification(models.Model):
    """One run of the hash-chain verification (from the auditor page or the command). `checked`
    grows while it runs, so the page can show progress; `ok` is None until it finishes."""

    started_at = models.DateTimeField("开始时间")
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    ok = models.BooleanField("链完整", null=True, blank=True)
    total = models.BigIntegerField("待校验事件数", default=0)
    checked = models.BigIntegerField("已校验事件数", default=0)
    broken_seq = models.BigIntegerField("断裂序号", null=True, blank=True)
    reason = models.CharField("原因", max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = verbose_name_plural = "哈希链校验"
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"哈希链校验 {timezone.localtime(self.started_at):%Y-%m-%d %H:%M:%S}"

    @property
    def running(self) -> bool:
        return self.finished_at is None

    @property
    def status_label(self) -> str:
        if self.finished_at is None:
            return "校验中"
        return "完整" if self.ok else "断裂"

    @property
    def percent(self) -> int:
        if not self.total:
            return 0 if self.running else 100
        return min(100, int(self.checked * 100 / self.total))

    @property
    def message(self) -> str:
        if self.finished_at is None:
            if not self.total and not self.checked:
                return "已排队，等待后台任务开始校验…"
            return f"正在校验：已校验 {self.checked} / {self.total} 个事件"
        if self.ok:
            return f"审计链完整：共 {self.checked} 个事件"
        return f"审计链在第 {self.broken_seq} 号事件处断裂：{self.reason}"
