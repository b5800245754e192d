"""Helpers the conduct pages share."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from bangban.core.errors import ApplicationError, ValidationFailed
from bangban.enterprises.access import visible_enterprises
from bangban.enterprises.uscc import USCCError, validate_uscc

from ..rules import Month


def field_errors(exc: ApplicationError) -> dict[str, str]:
    """An action's error as messages per form field ("form" for the form as a whole)."""
    details = exc.details if isinstance(exc.details, dict) else {}
    if isinstance(details.get("field"), str):
        return {details["field"]: exc.message, "form": exc.message}
    return {"form": exc.message}


def month_of(request: HttpRequest) -> Month:
    """The month a page shows (`?month=2026-11`), this month by default; a malformed one is refused."""
    text = request.GET.get("month", "").strip()
    if not text:
        return Month.of(timezone.localdate())
    month = Month.parse(text)
    if month is None:
        raise ValidationFailed("月份格式不正确，应为 2026-11", code="invalid_month")
    return month


def month_choices(current: Month, count: int = 12) -> list[Month]:
    months = [Month.of(timezone.localdate())]
    while len(months) < count:
        months.append(months[-1].previous())
    if current not in months:
        months.insert(0, current)
    return months


def resolve_enterprise(user: Any, text: str) -> int | None:
    """An enterprise named on a form by id, USCC or exact name, within the user's scope."""
    value = (text or "").strip()
    if not value:
        return None
    if value.isdigit() and len(value) < 18:
        return int(value)
    try:
        uscc = validate_uscc(value)
    except USCCError:
        return visible_enterprises(user).filter(name=value).values_list("pk", flat=True).first() or 0
    return visible_enterprises(user).filter(uscc=uscc).values_list("pk", flat=True).first() or 0
