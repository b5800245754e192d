"""Small validation helpers shared by the outreach actions: every problem becomes a
`ValidationFailed` with a stable code and the field it belongs to (`details["fields"]`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from bangban.core.errors import ValidationFailed


def fail(field: str, code: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, code=code, details={"fields": {field: message}})


def text(data: dict[str, Any], name: str, label: str, *, max_length: int, required: bool = True) -> str:
    value = str(data.get(name) or "").strip().replace("\r\n", "\n")
    if required and not value:
        raise fail(name, f"{name}_required", f"请填写{label}")
    if len(value) > max_length:
        raise fail(name, f"{name}_too_long", f"{label}不能超过 {max_length} 个字（现有 {len(value)} 个字）")
    return value


def choice(data: dict[str, Any], name: str, label: str, choices: Any, *, default: str | None = None) -> str:
    value = str(data.get(name) or "").strip() or (default or "")
    if value not in choices.values:
        allowed = "、".join(str(label_) for label_ in choices.labels)
        raise fail(name, f"invalid_{name}", f"{label}无效，可选：{allowed}")
    return value


def optional_date(data: dict[str, Any], name: str, label: str) -> dt.date | None:
    raw = data.get(name)
    if raw in (None, ""):
        return None
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw).strip())
    except ValueError:
        raise fail(name, f"invalid_{name}", f"{label}格式不正确，应如 2026-01-31") from None


def required_date(data: dict[str, Any], name: str, label: str) -> dt.date:
    value = optional_date(data, name, label)
    if value is None:
        raise fail(name, f"{name}_required", f"请填写{label}")
    return value


def amount(data: dict[str, Any], name: str, label: str) -> Decimal:
    raw = str(data.get(name) or "").strip().replace(",", "")
    if not raw:
        raise fail(name, f"{name}_required", f"请填写{label}")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise fail(name, f"invalid_{name}", f"{label}应为数字") from None
    if not value.is_finite() or value <= 0 or value >= Decimal("1e12"):
        raise fail(name, f"invalid_{name}", f"{label}应为大于 0 的数字")
    return value.quantize(Decimal("0.01"))


def optional_int(data: dict[str, Any], name: str, label: str) -> int | None:
    raw = data.get(name)
    if raw in (None, ""):
        return None
    try:
        return int(str(raw))
    except (TypeError, ValueError):
        raise fail(name, f"invalid_{name}", f"{label}无效") from None


def lookup_id(data: dict[str, Any], name: str, label: str) -> int:
    """An id to look a row up by; 0 (matches nothing) when missing."""
    return optional_int(data, name, label) or 0
