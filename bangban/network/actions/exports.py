"""The audit record of a compliance export (联系走访达标情况)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from bangban.audit.actions import record


def do_record_compliance_export(*, acting_user: Any, quarter: str, view: str, count: int) -> None:
    with transaction.atomic():
        record(
            "network.compliance_export",
            actor=acting_user,
            object_type="network.compliance",
            object_repr=f"联系走访达标情况 {quarter}",
            after={"quarter": quarter, "view": view, "count": count},
        )
