"""The enterprise rates its current officer's service, once a month (R3.2)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse

from bangban.accounts.access import own_enterprise_id
from bangban.accounts.models import User
from bangban.audit.actions import record
from bangban.core.errors import Conflict, PermissionDenied, ValidationFailed
from bangban.core.satisfaction import BAD_RATINGS, Satisfaction
from bangban.notifications.actions import notify_user

from .. import rules
from ..access import is_enterprise_user
from ..models import OfficerRating
from ._common import _text, _today
from .assignments import current_assignment


def do_rate_officer(
    *, acting_user: User, level: Any, comment: str = "", now: dt.datetime | None = None
) -> OfficerRating:
    """The enterprise rates its current officer's service (five levels), once a month."""
    if not is_enterprise_user(acting_user):
        raise PermissionDenied("只有企业用户可以评价帮办专员")
    try:
        value = Satisfaction(int(level))
    except (TypeError, ValueError) as exc:
        raise ValidationFailed(
            "请选择满意度（非常满意至非常不满意）", code="invalid_level", details={"field": "level"}
        ) from exc
    comment_text = _text(comment)[:500]
    if value in BAD_RATINGS and not comment_text:
        raise ValidationFailed(
            "选择不满意时请说明原因", code="comment_required", details={"field": "comment"}
        )
    enterprise_id = own_enterprise_id(acting_user)
    assignment = current_assignment(enterprise_id)
    if assignment is None:
        raise ValidationFailed("本企业目前没有挂钩的帮办专员", code="no_officer")
    month = rules.month_code(_today(now))
    try:
        with transaction.atomic(durable=True):
            rating = OfficerRating.objects.create(
                enterprise_id=enterprise_id,
                officer=assignment.officer,
                month=month,
                level=value,
                comment=comment_text,
                rated_by=acting_user,
            )
            record(
                "network.officer_rate",
                actor=acting_user,
                obj=rating,
                after={
                    "officer": assignment.officer_id,
                    "month": month,
                    "level": int(value),
                    "comment": comment_text,
                },
            )
            notify_user(
                assignment.officer,
                f"企业评价：{value.label}",
                f"{assignment.enterprise}对您本月的帮办服务评价为“{value.label}”。{comment_text}",
                link=reverse("network:mine"),
                now=now,
            )
    except IntegrityError as exc:
        raise Conflict("本月已评价过该帮办专员，下月可再次评价", code="already_rated") from exc
    return rating
