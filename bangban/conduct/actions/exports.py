"""The audit record of an export of the monthly figures per unit."""

from __future__ import annotations

from typing import Any

from bangban.audit.actions import record
from bangban.core.kit import durable_action


@durable_action
def do_record_figures_export(*, acting_user: Any, month: str, count: int) -> None:
    record(
        "conduct.figures_export",
        actor=acting_user,
        object_type="conduct.figures",
        object_repr=f"入企情况月度统计 {month}",
        after={"month": month, "count": count},
    )
