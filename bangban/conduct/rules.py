"""The conduct rules as pure functions — no ORM: months, the quiet period and the gate code's token.

The gate QR code of an enterprise carries a token signed with `django.core.signing` (salted, so a
token of another part of the product is not accepted here) that names the enterprise and the moment
it was issued. It is valid for `max_age` after that moment, measured against the `now` the caller
passes (never the machine's clock read here)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core import signing

from bangban.core.errors import ValidationFailed

GATE_SALT = "bangban.conduct.gate-code"


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @classmethod
    def of(cls, day: dt.date) -> Month:
        return cls(day.year, day.month)

    @classmethod
    def parse(cls, text: str) -> Month | None:
        """ "2026-11" → Month(2026, 11); anything else → None."""
        try:
            year, month = (int(p) for p in (text or "").strip().split("-")[:2])
        except ValueError:
            return None
        if not (2000 <= year <= 2100 and 1 <= month <= 12):
            return None
        return cls(year, month)

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    def next(self) -> Month:
        return Month(self.year + 1, 1) if self.month == 12 else Month(self.year, self.month + 1)

    def previous(self) -> Month:
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)

    @property
    def code(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月"

    @property
    def last_day_number(self) -> int:
        return (self.next().first_day - dt.timedelta(days=1)).day


def quiet_days(month: Month, first: int, last: int) -> tuple[int, int]:
    """The quiet period's days within `month` (a last day past the month's end is its last day)."""
    end = min(last, month.last_day_number)
    return first, end


def in_quiet_period(day: dt.date, first: int, last: int) -> bool:
    start, end = quiet_days(Month.of(day), first, last)
    return start <= day.day <= end


def gate_token(enterprise_id: int, now: dt.datetime) -> str:
    return signing.dumps({"e": int(enterprise_id), "t": int(now.timestamp())}, salt=GATE_SALT, compress=True)


def read_gate_token(token: str, *, enterprise_id: int | None, now: dt.datetime, max_age: dt.timedelta) -> int:
    """The enterprise a gate code names, or a refusal: a forged or damaged code
    (`gate_code_invalid`), a code older than `max_age` (`gate_code_expired`), or a code of another
    enterprise than the one the page or request names (`gate_code_other_enterprise`)."""
    try:
        value = signing.loads(token or "", salt=GATE_SALT)
        named, issued = int(value["e"]), int(value["t"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise ValidationFailed(
            "入企二维码无效，请扫描企业门口张贴的二维码", code="gate_code_invalid", details={"field": "gate"}
        ) from exc
    if enterprise_id is not None and named != int(enterprise_id):
        raise ValidationFailed(
            "该二维码属于其他企业，不能用于登记进入本企业",
            code="gate_code_other_enterprise",
            details={"field": "gate"},
        )
    age = now.timestamp() - issued
    if age > max_age.total_seconds():
        raise ValidationFailed(
            "入企二维码已过期，请企业重新打印二维码后再扫码登记",
            code="gate_code_expired",
            details={"field": "gate"},
        )
    return named
