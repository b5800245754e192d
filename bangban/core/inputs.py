"""Reading one value of a form or an API body the same way in every app."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from .errors import ValidationFailed


def parse_date(value: Any, field: str, label: str) -> dt.date:
    """A date from a date, a datetime (its local day) or text like 2026-01-02 / 2026/01/02; empty
    → `{field}_required`, anything else → `invalid_{field}`, each with a Chinese message naming
    `label`."""
    if isinstance(value, dt.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    if not text:
        raise ValidationFailed(f"请填写{label}", code=f"{field}_required", details={"field": field})
    try:
        return dt.date.fromisoformat(text.replace("/", "-"))
    except ValueError as exc:
        raise ValidationFailed(
            f"{label}格式不正确，应为 2026-01-02", code=f"invalid_{field}", details={"field": field}
        ) from exc
