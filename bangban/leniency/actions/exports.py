"""The audit record of an export (the catalogue, the decisions, the monthly figures)."""

from __future__ import annotations

from bangban.accounts.models import User
from bangban.audit.actions import record
from bangban.core.kit import durable_action


@durable_action
def do_record_export(*, acting_user: User, what: str, count: int, month: str = "") -> None:
    record(
        "leniency.export",
        actor=acting_user,
        object_type="leniency.export",
        object_repr=f"{what}{(' ' + month) if month else ''}",
        after={"what": what, "month": month, "count": count},
    )
