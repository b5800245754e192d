"""Append-only, tamper-evident event log — R0.5.

Each event stores the hash of its predecessor and its own hash over its canonical content, so any
edit, deletion or reordering breaks the chain at a point `verify_audit_chain` names. `ChainHead`
holds the last sequence number and hash; appending locks it, which serialises writers and lets the
verifier notice a truncated tail. On PostgreSQL a trigger refuses UPDATE and DELETE on events.
"""

from __future__ import annotations

from django.db import models


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

    class Meta:
        verbose_name = verbose_name_plural = "审计事件"
        ordering = ["-seq"]
        indexes = [models.Index(fields=["object_type", "object_id", "seq"], name="audit_object_seq")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_repr}"


class ChainHead(models.Model):
    """A single row (pk=1): the last appended sequence number and hash."""

    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = verbose_name_plural = "审计链头"

    def __str__(self) -> str:
        return f"#{self.last_seq} {self.last_hash[:12]}"
