"""Header entry of the audit log, under 「系统管理」 (`AuditConfig.nav`)."""

from __future__ import annotations

from bangban.core.plugins import NavItem

from .access import can_read_audit

NAV: list[NavItem] = [
    NavItem("审计日志", "audit:events", can_read_audit, order=60, admin=True),
]
