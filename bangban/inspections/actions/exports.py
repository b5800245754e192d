"""The audit record of an export of a plan's draw."""

from __future__ import annotations

from bangban.accounts.models import User
from bangban.audit.actions import record
from bangban.core.kit import durable_action

from ..models import Plan


@durable_action
def do_record_draw_export(*, acting_user: User, plan: Plan, count: int) -> None:
    record(
        "inspections.draw_export",
        actor=acting_user,
        obj=plan,
        after={"number": plan.number, "seed": plan.seed, "count": count},
    )
