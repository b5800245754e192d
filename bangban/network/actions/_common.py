"""Helpers shared by the service network actions: today's date, text and date input."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from bangban.core.errors import ValidationFailed


def _today(now: dt.datetime | None) -> dt.date:
    return timezone.localdate(now or timezone.now())


def _text(value: Any) -> str:
    return str(value or "").strip().replace("\r\n", "\n")


def _parse_date(value: Any, field: str, label: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    if not text:
        raise ValidationFailed(f"请填写{label}", code=f"{field}_required", details={"field": field})
    try:
        return dt.date.fromisoformat(text.replace("/", "-"))
    except ValueError as exc:
        raise ValidationFailed(
            f"{label}格式不正确，应为 2026-01-02", code=f"invalid_{field}", details={"field": field}
        ) from exc
