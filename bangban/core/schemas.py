"""API schemas shared by every app."""

from __future__ import annotations

from typing import Annotated, Any

from ninja import Field, Query, Schema


class ErrorOut(Schema):
    """The body of every error answer: `{code, message, details}`."""

    code: str = Field(description="稳定的机器可读错误码")
    message: str = Field(description="中文错误说明")
    details: Any = Field(None, description="补充信息（如各字段的错误说明）")


# A month as query parameters: bounded, so an absurd year is a 422, not an overflow in date arithmetic.
YEAR_MIN, YEAR_MAX = 2000, 2100
Year = Annotated[int, Query(ge=YEAR_MIN, le=YEAR_MAX, description=f"年（{YEAR_MIN}–{YEAR_MAX}）")]
Month = Annotated[int, Query(ge=1, le=12, description="月（1–12）")]
