"""Helpers the 跑现场 actions share: reading text and numbers from a form or a body."""

from __future__ import annotations

from typing import Any

from bangban.core.errors import ValidationFailed


def text(value: Any, limit: int | None = None) -> str:
    found = str(value if value is not None else "").strip().replace("\r\n", "\n")
    return found[:limit] if limit else found


def required(value: Any, field: str, message: str, limit: int) -> str:
    found = text(value)
    if not found:
        raise ValidationFailed(message, code=f"{field}_required", details={"field": field})
    if len(found) > limit:
        raise ValidationFailed(
            f"{message.removeprefix('请填写')}不能超过 {limit} 个字",
            code=f"{field}_too_long",
            details={"field": field},
        )
    return found


def choice(value: Any, field: str, choices: Any, message: str) -> str:
    found = text(value)
    if found not in choices.values:
        labels = "、".join(str(label) for label in choices.labels)
        code = f"{field}_required" if not found else f"invalid_{field}"
        raise ValidationFailed(f"{message}（{labels}）", code=code, details={"field": field})
    return found


def whole_number(value: Any, field: str, label: str, low: int, high: int) -> int:
    found = text(value)
    if not found:
        raise ValidationFailed(f"请填写{label}", code=f"{field}_required", details={"field": field})
    try:
        number = int(found)
    except ValueError:
        number = None
    if number is None or not low <= number <= high:
        raise ValidationFailed(
            f"{label}应为 {low}–{high} 之间的整数", code=f"invalid_{field}", details={"field": field}
        )
    return number


def flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return text(value).lower() in {"1", "true", "yes", "on", "是"}


def lines(value: Any) -> list[str]:
    """Findings as typed: a list, or text with one problem a line; blank lines left out."""
    raw = value if isinstance(value, list | tuple) else str(value or "").splitlines()
    return [text(v) for v in raw if text(v)]
