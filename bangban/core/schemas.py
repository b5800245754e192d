"""API schemas shared by every app."""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema


class ErrorOut(Schema):
    """The body of every error answer: `{code, message, details}`."""

    code: str = Field(description="稳定的机器可读错误码")
    message: str = Field(description="中文错误说明")
    details: Any = Field(None, description="补充信息（如各字段的错误说明）")
