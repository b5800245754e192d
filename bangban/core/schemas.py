"""API schemas shared by every app."""

from __future__ import annotations

import re
from typing import Annotated, Any

from ninja import Field, Path, Query, Schema
from pydantic import AfterValidator


class ErrorOut(Schema):
    """The body of every error answer: `{code, message, details}`."""

    code: str = Field(description="稳定的机器可读错误码")
    message: str = Field(description="中文错误说明")
    details: Any = Field(None, description="补充信息（如各字段的错误说明）")


# Years and months the API takes, bounded in the schema: an absurd year is a 422 `validation_error`,
# never an overflow in date arithmetic. `Year`/`Month`: query parameters; `PathYear`/`PathMonth`: path
# parameters; `YearField`/`MonthField`: fields of a body or query schema; `MonthText`: a month
# written `YYYY-MM` (query parameter or field).
YEAR_MIN, YEAR_MAX = 2000, 2100
YEAR_TEXT = f"年（{YEAR_MIN}–{YEAR_MAX}）"
MONTH_TEXT = "月（1–12）"
Year = Annotated[int, Query(ge=YEAR_MIN, le=YEAR_MAX, description=YEAR_TEXT)]
Month = Annotated[int, Query(ge=1, le=12, description=MONTH_TEXT)]
PathYear = Annotated[int, Path(ge=YEAR_MIN, le=YEAR_MAX, description=YEAR_TEXT)]
PathMonth = Annotated[int, Path(ge=1, le=12, description=MONTH_TEXT)]
YearField = Annotated[int, Field(ge=YEAR_MIN, le=YEAR_MAX, description=YEAR_TEXT)]
MonthField = Annotated[int, Field(ge=1, le=12, description=MONTH_TEXT)]

MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})$")


def check_month_text(value: str) -> str:
    """`YYYY-MM` within the bounds (an empty value stays empty: the operation's default month)."""
    if value == "":
        return value
    match = MONTH_RE.match(value.strip())
    if not match or not (YEAR_MIN <= int(match.group(1)) <= YEAR_MAX and 1 <= int(match.group(2)) <= 12):
        raise ValueError(f"月份应为 YYYY-MM（{YEAR_MIN}-01 至 {YEAR_MAX}-12）")
    return value.strip()


MonthText = Annotated[str, AfterValidator(check_month_text)]
