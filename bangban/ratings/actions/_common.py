"""Helpers shared by the ratings actions: input text, the clock, the people told, rectification events."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone

from bangban.accounts.models import User
from bangban.accounts.roles import Role
from bangban.audit.actions import record, snapshot
from bangban.core.errors import ValidationFailed

from .. import access
from ..models import Rectification


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _text(value: Any, max_length: int, *, required: str = "", code: str = "text_required") -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationFailed(required, code=code)
    if len(text) > max_length:
        raise ValidationFailed(f"内容过长，最多 {max_length} 字", code="too_long")
    return text


def _active_unit_members(unit_id: int, roles: frozenset[str] = access.UNIT_ROLES) -> list[User]:
    return list(User.objects.filter(unit_id=unit_id, is_active=True, roles__code__in=roles).distinct())


def _managers() -> list[User]:
    return list(User.objects.filter(is_active=True, roles__code=Role.BIZ_OFFICE).distinct())


def _rect_event(action: str, rect: Rectification, actor: Any, before: dict | None, note: str = "") -> None:
    after = snapshot(rect, fields=["status", "category", "due_at", "rectified_at", "rater_level", "version"])
    if note:
        after["note"] = note[:500]
    record(action, actor=actor if getattr(actor, "pk", None) else None, obj=rect, before=before, after=after)


def rect_link(rect: Rectification) -> str:
    try:
        return reverse("ratings:rect_detail", args=[rect.pk])
    except Exception:  # pragma: no cover - URLs not loaded
        return ""
