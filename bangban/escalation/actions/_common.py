"""Helpers shared by the escalation actions: input checks, notifications and role look-ups."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from bangban.accounts.models import User
from bangban.core.errors import InvalidTransition, ValidationFailed
from bangban.notifications.actions import notify_user
from bangban.org.models import Unit
from bangban.tickets.models import Ticket
from bangban.tickets.workflow import FINAL_STATUSES, Status

MAX_TASK_WORKDAYS = 60


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _text(value: Any, *, code: str, message: str, max_length: int = 1000, required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationFailed(message, code=code)
    if len(text) > max_length:
        raise ValidationFailed(f"内容过长，最多 {max_length} 字", code="too_long")
    return text


def _int(value: Any, *, code: str, message: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationFailed(message, code=code) from None


def _workdays(value: Any, *, default: int | None = None, label: str = "办理时限") -> int:
    if value in (None, "") and default is not None:
        return default
    n = _int(value, code="invalid_workdays", message=f"{label}应为 1–{MAX_TASK_WORKDAYS} 个工作日")
    if not 1 <= n <= MAX_TASK_WORKDAYS:
        raise ValidationFailed(f"{label}应为 1–{MAX_TASK_WORKDAYS} 个工作日", code="invalid_workdays")
    return n


def _unit(unit_id: Any, *, code: str = "unit_invalid", message: str = "单位不存在或已停用") -> Unit:
    pk = _int(unit_id, code=code, message=message)
    unit = Unit.objects.filter(pk=pk, is_active=True).first()
    if unit is None:
        raise ValidationFailed(message, code=code)
    return unit


def _users(ids: Iterable[Any]) -> list[User]:
    try:
        pks = list(dict.fromkeys(int(i) for i in ids or ()))
    except (TypeError, ValueError):
        raise ValidationFailed("人员编号无效", code="user_invalid") from None
    found = User.objects.in_bulk(pks)
    missing = [i for i in pks if i not in found or not found[i].is_active]
    if missing:
        raise ValidationFailed("人员不存在或已停用", code="user_invalid")
    return [found[i] for i in pks]


def _tell(users: Iterable[Any], actor: Any, subject: str, body: str, link: str, key: str) -> None:
    seen: set[int] = set()
    for user in users:
        if user is None or user.pk in seen or user.pk == getattr(actor, "pk", None) or not user.is_active:
            continue
        seen.add(user.pk)
        notify_user(user, subject, body, link=link, dedupe_key_prefix=key)


def role_users(*roles: str) -> list[User]:
    return list(User.objects.filter(is_active=True, roles__code__in=list(roles)).distinct().order_by("pk"))


def _check_open(ticket: Ticket, doing: str) -> None:
    if ticket.status in FINAL_STATUSES or ticket.status == Status.REPLIED:
        raise InvalidTransition(
            f"诉求当前为“{Status(ticket.status).label}”，已办结或已答复的诉求不能{doing}",
            code="case_finished",
        )
