"""Helpers the 跑现场 pages share."""

from __future__ import annotations

from bangban.core.errors import ApplicationError


def field_errors(exc: ApplicationError) -> dict[str, str]:
    """An action's error as messages per form field ("form" for the form as a whole)."""
    details = exc.details if isinstance(exc.details, dict) else {}
    if isinstance(details.get("field"), str):
        return {details["field"]: exc.message, "form": exc.message}
    return {"form": exc.message}
