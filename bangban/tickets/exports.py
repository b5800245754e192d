"""The Excel export of every case list: the audit event for handing a copy of cases out of the
system (who, which list, which filter, how many rows, phones masked or not — R0.4, R0.5)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bangban.accounts.models import User
from bangban.audit.actions import record
from bangban.core.errors import PermissionDenied
from bangban.core.kit import durable_action

from .queries import QUEUE_NAMES


@durable_action
def do_record_export(
    *, acting_user: User, queue: str, filters: Mapping[str, Any], count: int, unmasked: bool
) -> None:
    if not getattr(acting_user, "is_authenticated", False):
        raise PermissionDenied()
    record(
        "ticket.export",
        actor=acting_user,
        object_type="tickets.ticket",
        object_repr=f"诉求导出（{QUEUE_NAMES.get(queue, queue)}）",
        after={
            "queue": queue,
            "filters": dict(filters),
            "count": count,
            "unmasked_personal_data": unmasked,
        },
    )
