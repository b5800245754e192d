"""The dispatch clock's settings."""

from __future__ import annotations

from typing import Any

from bangban.accounts.access import has_any_role
from bangban.accounts.models import User
from bangban.accounts.roles import Role
from bangban.audit.actions import diff, record, snapshot
from bangban.core.errors import Conflict, PermissionDenied, ValidationFailed
from bangban.core.kit import durable_action

from ..models import DispatchClockSettings
from ._common import MAX_WARN_WORKDAYS, _invalid

CLOCK_ADMIN_ROLES = frozenset({Role.ADMIN, Role.BIZ_OFFICE})
MAX_DISPATCH_WORKDAYS = 60


def can_manage_dispatch_clock(user: Any) -> bool:
    return has_any_role(user, CLOCK_ADMIN_ROLES)


def _clock_number(value: Any, name: str, label: str, upper: int) -> int:
    if isinstance(value, bool):
        raise _invalid(name, "invalid_number", f"{label}应为整数")
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError) as exc:
        raise _invalid(name, "invalid_number", f"{label}应为整数（工作日数）") from exc
    if number < 0:
        raise _invalid(name, "out_of_range", f"{label}不能为负数")
    if number > upper:
        raise _invalid(name, "out_of_range", f"{label}不能超过 {upper} 个工作日")
    return number


@durable_action
def do_set_dispatch_clock(
    *,
    acting_user: User,
    dispatch_workdays: Any,
    review_workdays: Any,
    warn_workdays: Any = 1,
    expected_version: int | None = None,
) -> DispatchClockSettings:
    """Change the dispatch clock's limits (administrators and 营商办). Every value is checked before
    anything is saved; a change applies to the cases received afterwards (a waiting case keeps the
    limit it got at intake). One audit event."""
    if not can_manage_dispatch_clock(acting_user):
        raise PermissionDenied("只有系统管理员或营商办可以修改派单时限")
    errors: dict[str, str] = {}
    values: dict[str, int] = {}
    for name, value, label, upper in (
        ("dispatch_workdays", dispatch_workdays, "派单时限", MAX_DISPATCH_WORKDAYS),
        ("review_workdays", review_workdays, "市长直通车审核时限", MAX_DISPATCH_WORKDAYS),
        ("warn_workdays", warn_workdays, "临期提醒", MAX_WARN_WORKDAYS),
    ):
        try:
            values[name] = _clock_number(value, name, label, upper)
        except ValidationFailed as exc:
            errors[name] = exc.message
    if errors:
        raise ValidationFailed("；".join(errors.values()), code="out_of_range", details={"fields": errors})
    DispatchClockSettings.objects.get_or_create(pk=1)
    row = DispatchClockSettings.objects.select_for_update().get(pk=1)
    if expected_version is not None and int(expected_version) != row.version:
        raise Conflict()
    before = snapshot(row, fields=list(values))
    for name, value in values.items():
        setattr(row, name, value)
    old, new = diff(before, snapshot(row, fields=list(values)))
    if not new:
        return row
    row.version += 1
    row.save(update_fields=[*values, "version", "updated_at"])
    record("tickets.dispatch_clock_settings", actor=acting_user, obj=row, before=old, after=new)
    return row
