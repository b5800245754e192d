"""Helpers the 帮办代办 pages share."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from bangban.core.errors import ApplicationError
from bangban.enterprises.access import visible_enterprises
from bangban.enterprises.uscc import USCCError, validate_uscc


def field_errors(exc: ApplicationError) -> dict[str, str]:
    details = exc.details if isinstance(exc.details, dict) else {}
    if isinstance(details.get("field"), str):
        return {details["field"]: exc.message, "form": exc.message}
    return {"form": exc.message}


def enterprise_fields(user: Any, value: str) -> tuple[int | None, str]:
    """The form's one enterprise field — a registered enterprise named by ID, USCC or exact name
    within the user's scope, or else the name of one not registered (free text)."""
    text = (value or "").strip()
    if not text:
        return None, ""
    if text.isdigit() and len(text) < 18:
        return int(text), ""
    try:
        uscc = validate_uscc(text)
    except USCCError:
        found = visible_enterprises(user).filter(name=text).values_list("pk", flat=True).first()
    else:
        found = visible_enterprises(user).filter(uscc=uscc).values_list("pk", flat=True).first()
    return (found, "") if found else (None, text)


def filters(request: HttpRequest, names: tuple[str, ...]) -> dict[str, str]:
    return {k: request.GET.get(k, "").strip() for k in names}
