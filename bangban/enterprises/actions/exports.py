"""The audit record of a registry export (R0.4, R0.5)."""

from __future__ import annotations

from collections.abc import Mapping

from bangban.accounts.models import User
from bangban.audit.actions import record
from bangban.core.errors import PermissionDenied
from bangban.core.kit import require_transaction


def do_record_export(*, acting_user: User, filters: Mapping[str, str], count: int, unmasked: bool) -> None:
    """An export hands a copy of the registry out of the system: who, which filter, how many rows,
    and whether phone and ID numbers left unmasked (R0.4, R0.5). Called by the export's `record`
    step, inside the transaction the kernel's export opens (inline or in the background job)."""
    require_transaction()
    if not acting_user.is_authenticated:
        raise PermissionDenied()
    record(
        "enterprise.export",
        actor=acting_user,
        object_type="enterprises.enterprise",
        object_repr="企业库导出",
        after={"filters": dict(filters), "count": count, "unmasked_personal_data": unmasked},
    )
