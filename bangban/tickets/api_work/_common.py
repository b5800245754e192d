"""The router of `/api/v1/cases` (reading cases and the lifecycle operations)."""

from __future__ import annotations

from bangban.core.answers import Router

router = Router(tags=["诉求办理"])
