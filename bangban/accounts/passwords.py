"""Password checks with Chinese messages: Django's validators (AUTH_PASSWORD_VALIDATORS) run as
configured, and the messages the stock translation leaves in English are put into Chinese here."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError


def _chinese(error: ValidationError) -> str:
    params: dict[str, Any] = dict(error.params or {})
    if error.code == "password_too_short":
        return f"密码太短，至少需要 {params.get('min_length', 10)} 个字符"
    if error.code == "password_too_similar":
        return f"密码与{params.get('verbose_name', '账号信息')}太相似"
    if error.code == "password_too_common":
        return "这个密码太常见，容易被猜到"
    if error.code == "password_too_long":
        return f"密码不能超过 {params.get('max_length', 128)} 个字符"
    if error.code == "password_entirely_numeric":
        return "密码不能全部是数字"
    message = str(error.message)
    return message % params if params else message


def password_problems(password: str, user: Any = None) -> list[str]:
    """Every rule the password breaks, in Chinese; empty if it is acceptable."""
    if not password:
        return ["请填写密码"]
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return [_chinese(error) for error in exc.error_list]
    return []
