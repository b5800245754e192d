"""Voiding ratings given in breach of the rules (评价核查与作废)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bangban.accounts.access import has_any_role
from bangban.accounts.models import User
from bangban.audit.actions import record, snapshot
from bangban.core import kit
from bangban.core.errors import Conflict, PermissionDenied
from bangban.core.kit import durable_action
from bangban.notifications.actions import notify_user

from .. import access, workflow
from ..models import Rating, Rectification, RectStatus
from ._common import _active_unit_members, _now, _text, rect_link


@durable_action
def do_void_rating(
    *,
    acting_user: User,
    rating_id: Any,
    reason: str,
    expected_version: Any = None,
    now: dt.datetime | None = None,
) -> Rating:
    """营商办 voids a rating given in breach of the rules (e.g. by the rated unit itself, or through
    the removed case QR code). The rating stays, marked voided (who, when, why), shown as 已作废,
    and no longer counts in any figure; its rectification, if still open, ends as 评价已作废. A
    voided rating leaves its stage free, so the real rater can still rate."""
    now = _now(now)
    if not has_any_role(acting_user, access.VOID_ROLES):
        raise PermissionDenied("只有营商办可以作废评价", code="void_forbidden")
    reason = _text(reason, 500, required="请填写作废理由", code="reason_required")
    rating = kit.lock(Rating, rating_id)
    kit.check_version(rating, expected_version)
    if rating.voided_at is not None:
        raise Conflict("该评价已作废，不能重复作废", code="already_voided")
    before = snapshot(rating, fields=["voided_at", "void_reason", "version"])
    rating.voided_at = now
    rating.voided_by = acting_user
    rating.void_reason = reason
    kit.save_change(rating, ["voided_at", "voided_by", "void_reason"])
    rect = (
        Rectification.objects.select_for_update()
        .filter(rating=rating)
        .exclude(status__in=[RectStatus.CLOSED, RectStatus.DISMISSED, RectStatus.VOIDED])
        .first()
    )
    if rect is not None:
        rect.status = workflow.RECTIFICATION.check(rect.status, "void")
        rect.closed_at = now
        kit.save_change(rect, ["status", "closed_at"])
        for user in _active_unit_members(rect.unit_id):
            notify_user(
                user,
                f"差评整改已终止：{rect.number}",
                f"营商办已作废该评价（{reason}），整改不再办理。",
                link=rect_link(rect),
                now=now,
            )
    record(
        "ratings.void",
        actor=acting_user,
        object_type="ratings.rating",
        object_id=rating.pk,
        object_repr=f"{rating.subject} {rating.get_stage_display()} {rating.get_level_display()}",
        before=before,
        after={
            "voided_at": now,
            "reason": reason,
            "version": rating.version,
            "rectification": rect.number if rect is not None else None,
        },
    )
    return rating
