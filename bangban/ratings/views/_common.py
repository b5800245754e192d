"""Helpers the rating pages share."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from bangban.accounts.access import has_any_role
from bangban.core.errors import ApplicationError, ValidationFailed

from .. import access, recheck


def _month(request: HttpRequest) -> tuple[int, int]:
    text = request.GET.get("month") or ""
    if text:
        try:
            year, month = (int(x) for x in text.split("-", 1))
            recheck.month_bounds(year, month)
            return year, month
        except (ValueError, ApplicationError):
            raise ValidationFailed("月份格式应为 YYYY-MM", code="month_invalid") from None
    local = timezone.localtime()
    return local.year, local.month


def _links(user: Any) -> list[tuple[str, str]]:
    links = [("评价记录", "ratings:index"), ("差评整改", "ratings:rect_queue")]
    if has_any_role(user, access.FOLLOW_UP_ROLES):
        links.append(("回访", "ratings:follow_ups"))
    if has_any_role(user, access.RECHECK_ROLES):
        links.append(("回头看", "ratings:rechecks"))
    if has_any_role(user, access.FIGURE_ROLES):
        links.append(("月度统计", "ratings:figures"))
    if has_any_role(user, access.VOID_ROLES):
        links.append(("评价核查", "ratings:audit"))
    links.append(("窗口与评价器", "ratings:windows"))
    return [(label, reverse(name)) for label, name in links]
