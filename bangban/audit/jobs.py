"""Periodic jobs of the audit log: verify the hash chain every night."""

from __future__ import annotations

from bangban.core.scheduler import Job, daily_at, register

from .tasks import verify_audit_chain_nightly

register(
    Job(
        name="audit.verify_chain",
        period=daily_at(2, 30),
        task=verify_audit_chain_nightly,
        description="每日校验审计哈希链",
    )
)
