"""Periodic jobs of the audit log: verify the hash chain every night and anchor its head outside
the database every day."""

from __future__ import annotations

from bangban.core.scheduler import Job, daily_at, register

from .tasks import anchor_audit_head_daily, verify_audit_chain_nightly

register(
    Job(
        name="audit.verify_chain",
        period=daily_at(2, 30),
        task=verify_audit_chain_nightly,
        description="每日校验审计哈希链",
    )
)
register(
    Job(
        name="audit.anchor_head",
        period=daily_at(2, 45),
        task=anchor_audit_head_daily,
        description="每日将审计链头锚定到数据库之外（签名锚点文件，并发送给审计人员）",
    )
)
