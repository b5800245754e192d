"""Writing one rating and what follows from it, shared by the case and service modules: the
rectification a bad rating opens (or a 追评 closes) and the case's follow-up (回访)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from bangban.audit.actions import record, snapshot
from bangban.core.errors import Conflict, InvalidTransition
from bangban.core.satisfaction import BAD_RATINGS, Satisfaction
from bangban.notifications.actions import notify_user
from bangban.tickets.actions import record_follow_up
from bangban.tickets.workflow import Status

from ..models import RatedSubject, Rating, Rectification, RectStatus, Stage
from ._common import _active_unit_members, _rect_event, _text, rect_link
from .devices import DeviceInfo
from .inputs import RatingInput, parse_level, parse_scores


def _clean(data: RatingInput) -> tuple[Satisfaction, dict[str, int], str]:
    level = parse_level(data.level, reversed_codes=data.reversed_codes)
    scores = parse_scores(data.scores, reversed_codes=data.reversed_codes)
    comment = _text(data.comment, 500)
    return level, scores, comment


def _insert_rating(
    subject: RatedSubject,
    stage: str,
    data: RatingInput,
    *,
    channel: str,
    rater: Any,
    proactive: bool,
    now: dt.datetime,
    device: DeviceInfo | None = None,
    audit: bool = True,
) -> Rating:
    level, scores, comment = _clean(data)
    rating = Rating.objects.create(
        subject=subject,
        stage=stage,
        level=level,
        scores=scores,
        comment=comment,
        channel=channel,
        anonymous=bool(data.anonymous),
        proactive=proactive,
        rater=rater if getattr(rater, "pk", None) else None,
        device_id=device.id if device else None,
        unit_id=subject.unit_id,
        created_at=now,
    )
    if audit:
        record(
            "ratings.rate",
            actor=rater if getattr(rater, "pk", None) and not data.anonymous else None,
            object_type="ratings.rating",
            object_id=rating.pk,
            object_repr=f"{subject} {Stage(stage).label} {level.label}",
            after={
                "subject": subject.pk,
                "stage": stage,
                "level": int(level),
                "channel": channel,
                "anonymous": bool(data.anonymous),
                "device": device.id if device else None,
                "unit": subject.unit_id,
            },
        )
    # A bad first rating opens a rectification; so does a bad 追评 of a service that had none. A
    # 追评 after the rectification's feedback is the rater's rating of the rectification.
    had_rectification = stage == Stage.FOLLOW_UP and subject.rectifications.exists()
    if stage == Stage.FOLLOW_UP:
        _close_rectification_by_rating(subject, rating, rater, now)
    if level in BAD_RATINGS and not had_rectification:
        _open_rectification(rating, subject, rater, now)
    return rating


def _next_stage(subject: RatedSubject) -> str:
    """The stage of the subject's next rating; a voided rating (作废) leaves its stage free."""
    stages = set(
        Rating.objects.filter(subject=subject, voided_at__isnull=True).values_list("stage", flat=True)
    )
    if Stage.FIRST not in stages:
        return Stage.FIRST
    if Stage.FOLLOW_UP not in stages:
        pending = subject.rectifications.filter(
            status__in=[RectStatus.VERIFY, RectStatus.CLASSIFY, RectStatus.RECTIFYING]
        ).exists()
        if pending:
            raise InvalidTransition("差评正在整改，请在收到整改反馈后再追评", code="rectification_pending")
        return Stage.FOLLOW_UP
    raise Conflict("已评价并追评过，每项服务只能首评一次、追评一次", code="followup_exists")


def _open_rectification(rating: Rating, subject: RatedSubject, rater: Any, now: dt.datetime) -> Rectification:
    rect = Rectification.objects.create(
        rating=rating,
        subject=subject,
        unit_id=subject.unit_id,
        number=f"ZG-{timezone.localtime(now):%Y%m%d}-{rating.pk:06d}",
        created_at=now,
    )
    _rect_event(
        "ratings.rect_create", rect, rater, None, note=f"{rating.get_level_display()}：{rating.comment}"
    )
    what = (
        f"诉求 {subject.ticket.number}"  # type: ignore[union-attr]
        if subject.ticket_id
        else f"窗口服务（{subject.event_ref or subject.pk}）"
    )  # type: ignore[union-attr]
    for user in _active_unit_members(subject.unit_id):
        notify_user(
            user,
            f"差评整改：{rect.number}",
            f"{what}收到“{rating.get_level_display()}”评价，请核实并整改。",
            link=rect_link(rect),
            now=now,
        )
    return rect


def _close_rectification_by_rating(
    subject: RatedSubject, rating: Rating, rater: Any, now: dt.datetime
) -> None:
    rect = subject.rectifications.select_for_update().filter(status=RectStatus.FED_BACK).first()
    if rect is None:
        return
    before = snapshot(rect, fields=["status", "rater_level", "version"])
    rect.status = RectStatus.CLOSED
    rect.rater_level = rating.level
    rect.closed_at = now
    rect.version += 1
    rect.save(update_fields=["status", "rater_level", "closed_at", "version"])
    _rect_event("ratings.rect_rated", rect, rater, before, note=rating.get_level_display())
    for user in _active_unit_members(rect.unit_id):
        notify_user(
            user,
            f"整改已评价：{rect.number}",
            f"评价人对整改的评价：{rating.get_level_display()}。",
            link=rect_link(rect),
            now=now,
        )


def _follow_up(
    *,
    agent: Any,
    ticket: Any,
    resolved: bool,
    satisfaction: Satisfaction,
    method: str,
    comment: str,
    now: dt.datetime,
) -> tuple[Any, bool, bool]:
    """Record the case's follow-up on `ticket` (locked by the caller, who has checked the agent's
    right) with the case system's rule (`tickets.actions.record_follow_up`: close, reopen, or the
    reopen limit reached); returns (the follow-up, reopened, escalation flagged)."""

    follow_up = record_follow_up(
        acting_user=agent,
        ticket=ticket,
        resolved=resolved,
        satisfaction=int(satisfaction),
        method=method,
        comment=comment,
        now=now,
    )
    # Closed, reopened, or still answered because the reopen limit was reached (flagged for 督办).
    flagged = ticket.status == Status.REPLIED
    return follow_up, not flagged and ticket.status != Status.CLOSED, flagged
