"""Helpers the leniency actions share: reading text."""

from __future__ import annotations

from typing import Any

from bangban.core.errors import ValidationFailed


def _text(value: Any, limit: int | None = None) -> str:
    text = str(value if value is not None else "").strip().replace("\r\n", "\n")
    return text[:limit] if limit else text


def _required(value: Any, field: str, message: str, limit: int) -> str:
    text = _text(value)
    if not text:
        raise ValidationFailed(message, code=f"{field}_required", details={"field": field})
    if len(text) > limit:
        raise ValidationFailed(
            f"{message.removeprefix('请填写')}不能超过 {limit} 个字",
            code=f"{field}_too_long",
            details={"field": field},
        )
    return text
