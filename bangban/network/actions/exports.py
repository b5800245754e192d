"""The audit record of a compliance export (联系走访达标情况)."""

from __future__ import annotations

from bangban.accounts.models import User
from bangban.audit.actions import record
from bangban.core.kit import durable_action


@durable_action
def do_record_compliance_export(*, acting_user: User, quarter: str, view: str, count: int) -> None:
    record(
        "network.compliance_export",
        actor=acting_user,
        object_type="network.compliance",
        object_repr=f"联系走访达标情况 {quarter}",
        after={"quarter": quarter, "view": view, "count": count},
    )


@durable_action
def do_record_help_ledger_export(*, acting_user: User, count: int, params: dict[str, str]) -> None:
    record(
        "network.help_ledger_export",
        actor=acting_user,
        object_type="network.helpmeeting",
        object_repr="解难帮扶会办会台账",
        after={"count": count, **{k: v for k, v in params.items() if v}},
    )
