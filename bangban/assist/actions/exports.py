"""The audit event an export of this app leaves (it runs inside the kernel export's transaction)."""

from __future__ import annotations

from typing import Any

from bangban.audit.actions import record
from bangban.core.kit import require_transaction


def record_export(*, acting_user: Any, what: str, count: int, filters: dict[str, str]) -> None:
    require_transaction()
    record(
        "assist.export",
        actor=acting_user,
        object_type="assist.export",
        object_repr=what,
        after={"count": count, **{k: v for k, v in filters.items() if v}},
    )
