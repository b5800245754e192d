"""Password rules beyond Django's: at least three of four character classes."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class CharacterClassValidator:
    def validate(self, password: str, user: object = None) -> None:
        classes = [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(classes) < 3:
            raise ValidationError(
                "密码须至少包含大写字母、小写字母、数字、符号中的三类", code="password_too_simple"
            )

    def get_help_text(self) -> str:
        return "密码须至少包含大写字母、小写字母、数字、符号中的三类。"


class MaximumLengthValidator:
    """Refuses passwords longer than `max_length` characters: hashing a megabyte-long password
    on every login attempt would let anyone keep a server busy."""

    def __init__(self, max_length: int = 128) -> None:
        self.max_length = max_length

    def validate(self, password: str, user: object = None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                f"密码不能超过 {self.max_length} 个字符",
                code="password_too_long",
                params={"max_length": self.max_length},
            )

    def get_help_text(self) -> str:
        return f"密码不能超过 {self.max_length} 个字符。"
