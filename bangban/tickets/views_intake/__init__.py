"""Intake pages (/cases/intake/…): the 12345 agent's screen, the "办不成事" window (online and at the
counter), the enterprise portal, the mayor's public column (no login; SMS-confirmed phone) with its
tracking page and the staff register, and officers'/supervisors' reports.

Each form carries a one-time idempotency key, so a double tap or a resent form makes one case."""

from __future__ import annotations

from .channels import (
    enterprise_search,
    intake_counter,
    intake_done,
    intake_hotline,
    intake_index,
    intake_links,
    intake_portal,
    intake_window,
)
from .mayor import (
    intake_mayor,
    intake_mayor_done,
    intake_mayor_register,
    intake_mayor_track,
    intake_report,
    privacy_notice,
    public_enterprise_search,
)

__all__ = [
    "enterprise_search",
    "intake_counter",
    "intake_done",
    "intake_hotline",
    "intake_index",
    "intake_links",
    "intake_mayor",
    "intake_mayor_done",
    "intake_mayor_register",
    "intake_mayor_track",
    "intake_portal",
    "intake_report",
    "intake_window",
    "privacy_notice",
    "public_enterprise_search",
]
