"""What every part of the intake shares: the submission as typed or posted (`IntakeInput`), the
validated submission (`Clean`), the answer (`IntakeResult`), the field-error collector and the
limits on the fields."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bangban.core.errors import ValidationFailed
from bangban.enterprises.models import Enterprise
from bangban.org.models import Region

from ..models import Category, Ticket, TicketType, Urgency

TITLE_MAX = 120
CONTENT_MAX = 5000
ANSWER_MAX = 5000
IDEMPOTENCY_KEY_MAX = 80
CONTACT_NAME_MAX = 50
ENTERPRISE_NAME_MAX = 120


@dataclass
class IntakeInput:
    """A submission as typed (pages) or posted (API). Everything is validated by the action."""

    title: str = ""
    content: str = ""
    category_id: int | None = None
    category_code: str = ""
    type: str = TicketType.HELP
    urgency: str = Urgency.GENERAL
    multi_unit: bool = False
    enterprise_id: int | None = None
    enterprise_name: str = ""
    enterprise_uscc: str = ""
    region_code: str = ""
    contact_name: str = ""
    contact_phone: str = ""


@dataclass
class IntakeResult:
    ticket: Ticket
    replayed: bool = False
    duplicate_of: Ticket | None = None
    similarity: float | None = None


@dataclass
class Clean:
    """A submission that passed validation: the registry rows it names are resolved."""

    title: str
    content: str
    category: Category | None
    type: str
    urgency: str
    multi_unit: bool
    enterprise: Enterprise | None
    enterprise_name: str
    enterprise_uscc: str
    region: Region | None
    contact_name: str
    contact_phone: str


@dataclass
class FieldErrors:
    """Every field problem of one submission, reported at once: the first problem's code, and each
    field's message in `details["fields"]` (its code in `details["codes"]`)."""

    fields: dict[str, str] = field(default_factory=dict)
    codes: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, code: str, message: str) -> None:
        if name not in self.fields:
            self.fields[name] = message
            self.codes[name] = code

    def raise_if_any(self) -> None:
        if not self.fields:
            return
        first = next(iter(self.fields))
        message = self.fields[first] if len(self.fields) == 1 else "；".join(self.fields.values())
        raise ValidationFailed(
            message, code=self.codes[first], details={"fields": dict(self.fields), "codes": dict(self.codes)}
        )


def field_error(name: str, code: str, message: str) -> ValidationFailed:
    """A refusal naming one field, raised at once (not collected with the others)."""
    return ValidationFailed(message, code=code, details={"fields": {name: message}})


def text(value: Any) -> str:
    return str(value or "").strip()


def one(qs: Any) -> Any:
    """The single row of a unique lookup, or None — without the ORDER BY `first()` adds."""
    rows = list(qs.order_by()[:1])
    return rows[0] if rows else None
