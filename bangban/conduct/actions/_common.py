"""Helpers the conduct actions share: text, moment and date input."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from bangban.core.errors import ValidationFailed


def _text(value: Any, limit: int | None = None) -> str:
    text = str(value or "").strip().replace("\r\n", "\n")
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


def _parse_moment(value: Any, field: str, label: str) -> dt.datetime | None:
    """A moment from the API (datetime), a form (2026-11-18T09:30) or nothing (None)."""
    if value in (None, ""):
        return None
    moment: dt.datetime | None
    if isinstance(value, dt.datetime):
        moment = value
    else:
        moment = parse_datetime(_text(value).replace(" ", "T")) if _text(value) else None
        if moment is None:
            raise ValidationFailed(
                f"{label}格式不正确，应为 2026-01-02 09:30", code=f"invalid_{field}", details={"field": field}
            )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment
