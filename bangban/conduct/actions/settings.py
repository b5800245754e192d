"""作风办 sets the quiet period, the monthly limit of entries and the gate code's validity."""

from __future__ import annotations

from typing import Any

from bangban.audit.actions import record, snapshot
from bangban.core import kit
from bangban.core.errors import ValidationFailed
from bangban.core.kit import durable_action

from ..access import require_manager
from ..models import ConductSettings

# field: (label, lowest, highest, error code)
BOUNDS = {
    "quiet_first_day": ("安静期起始日", 1, 31, "quiet_period_invalid"),
    "quiet_last_day": ("安静期截止日", 1, 31, "quiet_period_invalid"),
    "max_entries_per_month": ("每企业每月入企上限", 1, 100, "max_entries_invalid"),
    "gate_code_days": ("入企二维码有效天数", 1, 3660, "gate_days_invalid"),
}


def _number(values: dict[str, Any], field: str) -> int:
    label, low, high, code = BOUNDS[field]
    try:
        number = int(str(values.get(field, "")).strip())
    except (TypeError, ValueError):
        number = None
    if number is None or not low <= number <= high:
        raise ValidationFailed(f"{label}应为 {low}–{high} 的整数", code=code, details={"field": field})
    return number


@durable_action
def do_update_settings(*, acting_user: Any, values: dict[str, Any], version: Any = None) -> ConductSettings:
    require_manager(acting_user)
    numbers = {field: _number(values, field) for field in BOUNDS}
    if numbers["quiet_first_day"] > numbers["quiet_last_day"]:
        raise ValidationFailed(
            "安静期起始日不能晚于截止日", code="quiet_period_invalid", details={"field": "quiet_last_day"}
        )
    existing = ConductSettings.objects.order_by("pk").first()
    if existing is None:
        existing = ConductSettings.objects.create()
    row = kit.lock(ConductSettings, existing.pk)
    kit.check_version(row, version)
    before = snapshot(row)
    for field, number in numbers.items():
        setattr(row, field, number)
    kit.save_change(row, list(numbers))
    record("conduct.settings_update", actor=acting_user, obj=row, before=before, after=snapshot(row))
    return row
