"""Input and message helpers of the 解难帮扶会办会 actions (`help_meetings.py`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bangban.accounts.models import User
from bangban.core.errors import ValidationFailed
from bangban.notifications.actions import notify_user
from bangban.org.models import Unit

from ._common import _text


def _fail(code: str, message: str, name: str = "form") -> ValidationFailed:
    return ValidationFailed(message, code=code, details={"field": name})


def _required(value: Any, name: str, label: str, max_length: int) -> str:
    text = _text(value)
    if not text:
        raise _fail(f"{name}_required", f"请填写{label}", name)
    if len(text) > max_length:
        raise _fail(f"{name}_too_long", f"{label}最多 {max_length} 字", name)
    return text


def _ids(values: Iterable[Any] | None, code: str, label: str, name: str) -> list[int]:
    out: list[int] = []
    for v in values or ():
        if str(v).strip():
            try:
                out.append(int(str(v).strip()))
            except ValueError:
                raise _fail(code, f"{label}无效", name) from None
    return list(dict.fromkeys(out))


def _units(ids: list[int], name: str) -> list[Unit]:
    found = {u.pk: u for u in Unit.objects.filter(pk__in=ids, is_active=True)}
    if len(found) != len(ids):
        raise _fail("unit_not_found", "所选单位不存在或已停用", name)
    return [found[i] for i in ids]


def _tell(users: Iterable[User], actor: Any, subject: str, body: str, link: str, key: str) -> None:
    seen: set[int] = set()
    for user in users:
        if user.pk in seen or user.pk == getattr(actor, "pk", None) or not user.is_active:
            continue
        seen.add(user.pk)
        notify_user(user, subject, body, link=link, dedupe_key_prefix=key)
