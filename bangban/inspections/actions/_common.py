"""Helpers the inspection actions share: reading text and numbers the same way everywhere."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from bangban.core.errors import ValidationFailed


def text(value: Any, limit: int | None = None) -> str:
    out = str(value or "").strip().replace("\r\n", "\n")
    return out[:limit] if limit else out


def required(value: Any, field: str, label: str, limit: int) -> str:
    out = text(value)
    if not out:
        raise ValidationFailed(f"请填写{label}", code=f"{field}_required", details={"field": field})
    if len(out) > limit:
        raise ValidationFailed(
            f"{label}不能超过 {limit} 个字", code=f"{field}_too_long", details={"field": field}
        )
    return out


def number_id(value: Any) -> int | None:
    """An id typed on a form or sent by the API; None when empty, 0 when not a number (found nowhere)."""
    if value in (None, ""):
        return None
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return 0


def percent(value: Any, field: str, label: str) -> Decimal:
    """A sampling ratio in percent, 0–100, at most two decimals."""
    raw = str(value).strip().removesuffix("%").strip() if value is not None else ""
    try:
        ratio = Decimal(raw) if raw else None
    except InvalidOperation:
        ratio = None
    if (
        ratio is None
        or not ratio.is_finite()
        or ratio < 0
        or ratio > 100
        or ratio != ratio.quantize(Decimal("0.01"))
    ):
        raise ValidationFailed(
            f"{label}应为 0 到 100 之间的百分比（最多两位小数）",
            code="invalid_ratio",
            details={"field": field},
        )
    return ratio.quantize(Decimal("0.01"))
