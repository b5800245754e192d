"""Helpers the service network's pages share."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from bangban.core.errors import ApplicationError
from bangban.enterprises.access import visible_enterprises
from bangban.enterprises.uscc import USCCError, validate_uscc

from ..rules import Quarter


def field_errors(exc: ApplicationError) -> dict[str, str]:
    """An action's error as messages per form field ("form" for the form as a whole)."""
    details = exc.details if isinstance(exc.details, dict) else {}
    if isinstance(details.get("fields"), dict):
        return dict(details["fields"])
    if isinstance(details.get("field"), str):
        return {details["field"]: exc.message}
    return {"form": exc.message}


def _quarter(request: HttpRequest) -> Quarter:
    return Quarter.parse(request.GET.get("quarter", "")) or Quarter.of(timezone.localdate())


def _quarter_choices() -> list[Quarter]:
    current = Quarter.of(timezone.localdate())
    choices = [current]
    for _ in range(5):
        choices.append(choices[-1].previous())
    return choices


def _resolve_enterprise_field(user: Any, text: str) -> int | None:
    value = (text or "").strip()
    if value.isdigit() and len(value) < 18:
        return int(value)
    try:
        uscc = validate_uscc(value)
    except USCCError:
        found = visible_enterprises(user).filter(name=value).values_list("pk", flat=True).first()
        return found
    return visible_enterprises(user).filter(uscc=uscc).values_list("pk", flat=True).first()
