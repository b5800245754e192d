"""Helpers shared by the supervision actions: checked numbers and months."""

from __future__ import annotations

from typing import Any

from bangban.core.errors import ValidationFailed

from .. import figures


def _positive(value: Any, name: str, low: int, high: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise ValidationFailed(f"{name}必须是整数", code="settings_invalid") from exc
    if not low <= number <= high:
        raise ValidationFailed(f"{name}应在 {low}–{high} 之间", code="settings_invalid")
    return number


def _check_month(year: int, month: int) -> tuple[int, int]:
    figures.month_bounds(year, month)
    return int(year), int(month)
