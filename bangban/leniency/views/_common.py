"""Helpers the leniency pages share."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from bangban.core.errors import ApplicationError, ValidationFailed
from bangban.enterprises.access import visible_enterprises
from bangban.enterprises.uscc import USCCError, validate_uscc

from ..queries import MonthSpan


def field_errors(exc: ApplicationError) -> dict[str, str]:
    """An action's error as messages per form field ("form" for the form as a whole)."""
    details = exc.details if isinstance(exc.details, dict) else {}
    if isinstance(details.get("field"), str):
        return {details["field"]: exc.message, "form": exc.message}
    return {"form": exc.message}


def month_of(request: HttpRequest) -> MonthSpan:
    """The month a page shows (`?month=2026-11`), this month by default; a malformed one is refused."""
    text = request.GET.get("month", "").strip()
    if not text:
        return MonthSpan.of(timezone.localdate())
    month = MonthSpan.parse(text)
    if month is None:
        raise ValidationFailed("月份格式不正确，应为 2026-11", code="invalid_month")
    return month


def month_choices(current: MonthSpan, count: int = 12) -> list[MonthSpan]:
    months = [MonthSpan.of(timezone.localdate())]
    while len(months) < count:
        months.append(months[-1].previous())
    if current not in months:
        months.insert(0, current)
    return months


def resolve_enterprise(user: Any, text: str) -> str:
    """An enterprise named on a form by id, USCC or exact name, within the user's scope, as the id
    the action reads ("0" for a name that matches nothing, "" for nothing typed)."""
    value = (text or "").strip()
    if not value:
        return ""
    if value.isdigit() and len(value) < 12:
        return value
    try:
        uscc = validate_uscc(value)
    except USCCError:
        found = visible_enterprises(user).filter(name=value).values_list("pk", flat=True).first()
    else:
        found = visible_enterprises(user).filter(uscc=uscc).values_list("pk", flat=True).first()
    return str(found or 0)
