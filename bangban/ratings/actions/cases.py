"""An enterprise's rating of its case, which is also the case's follow-up while it is answered."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from bangban.accounts.models import User
from bangban.core.errors import (
    ApplicationError,
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from bangban.tickets.access import visible_tickets
from bangban.tickets.models import FollowUpMethod
from bangban.tickets.public import lock_case
from bangban.tickets.workflow import Status

from .. import access
from ..models import (
    CallOutcome,
    FollowUpCall,
    RatedSubject,
    Rating,
    RatingChannel,
    Stage,
    SubjectKind,
    UsedLink,
)
from ._common import _now
from ._recording import _clean, _follow_up, _insert_rating, _next_stage
from .inputs import RATEABLE_STATUSES, RatingInput
from .tokens import SmsClaim, read_sms_token


def _use_link(claim: SmsClaim, now: dt.datetime) -> None:
    """Mark the link used inside the caller's transaction; a replay hits the primary key."""
    if UsedLink.objects.filter(jti=claim.jti).exists():
        raise Conflict("该短信链接已使用过，不能重复提交", code="link_used")
    UsedLink.objects.create(jti=claim.jti, purpose=claim.purpose, used_at=now)


def _responsible_unit(ticket: Any) -> int:
    unit_id = ticket.lead_unit_id or ticket.intake_unit_id or ticket.suggested_unit_id
    if unit_id is None:
        raise InvalidTransition("该诉求没有责任单位，暂不能评价", code="case_not_rateable")
    return int(unit_id)


@dataclass
class CaseRated:
    """What an enterprise's rating of its case recorded: the 好差评 rating (None when the case's
    ratings are taken — see `do_rate_case`), and whether it was also the case's follow-up."""

    ticket_id: int
    rating: Rating | None
    followed_up: bool = False
    resolved: bool | None = None
    reopened: bool = False
    escalation_flagged: bool = False
    status: str = ""
    follow_up: Any = None


def _is_resolved(value: Any) -> bool:
    return value in (True, "true", "1", 1, "on", "yes")


def do_rate_case(
    *,
    acting_user: User | None,
    ticket_id: Any,
    data: RatingInput,
    resolved: Any = None,
    channel: str = RatingChannel.PC,
    proactive: bool = True,
    expected_version: Any = None,
    now: dt.datetime | None = None,
    sms_claim: SmsClaim | None = None,
) -> CaseRated:
    """The case's enterprise (its users or the submitter, logged in) or the holder of an SMS link
    rates the case — one rating, whichever door (the case page, `POST …/ratings/cases/{id}/ratings`,
    `POST /api/v1/cases/{id}/follow-up` through `tickets.rating_hook`, the SMS link page).
    The case is locked and the rater checked once, here (or by `tickets.actions.do_follow_up` for
    the handler `_enterprise_follow_up`); the follow-up rule and its reopen limit are the case
    system's (`tickets.actions.follow_up_outcome`).

    In one transaction: the 好差评 `Rating` (first rating, then one 追评; a 不满意/非常不满意 first
    rating opens its 差评整改), and, while the case is answered (已答复待回访), the case's follow-up
    with the same satisfaction and 已解决/未解决 (`tickets.actions.do_follow_up`): solved and
    satisfied closes the case, otherwise it is reopened (重办) up to `max_reopens`, then flagged for
    escalation. When the case is answered again after a reopen and its ratings are taken (a 差评
    under rectification, or first rating and 追评 both given), the answer is recorded as the
    follow-up only. A member of a unit handling the case is refused (`own_unit_case`), whatever
    credential they hold."""

    now = _now(now)
    if channel not in (RatingChannel.PC, RatingChannel.SMS):
        raise ValidationFailed("评价渠道无效：诉求只能在线（PC）或凭短信链接评价", code="channel_invalid")
    try:
        pk = int(ticket_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    if data.level in (None, ""):
        raise ValidationFailed("请选择评价等级", code="level_required")
    try:
        with transaction.atomic():
            if sms_claim is not None:
                ticket = lock_case(pk)
                if ticket is None:
                    raise NotFound("短信链接无效", code="link_invalid")
                access.require_not_handling(acting_user, ticket)
            else:
                if not visible_tickets(acting_user).filter(pk=pk).exists():
                    raise NotFound("未找到该诉求，或这不是本企业的诉求", code="not_found")
                ticket = lock_case(pk)
                if ticket is None:
                    raise NotFound("未找到该诉求，或这不是本企业的诉求", code="not_found")
                access.require_not_handling(acting_user, ticket)
                if not access.owns_case(acting_user, ticket):
                    raise PermissionDenied("只能评价本企业提交的诉求", code="not_your_case")
            if expected_version not in (None, "") and str(expected_version) != str(ticket.version):
                raise Conflict()
            return _rate_locked_case(
                acting_user=acting_user, ticket=ticket, data=data, resolved=resolved, channel=channel,
                proactive=proactive, now=now, sms_claim=sms_claim,
            )  # fmt: skip
    except IntegrityError:
        raise Conflict("该诉求已有这一次评价，不能重复评价", code="already_rated") from None


def _rate_locked_case(
    *,
    acting_user: User | None,
    ticket: Any,
    data: RatingInput,
    resolved: Any,
    channel: str,
    proactive: bool,
    now: dt.datetime,
    sms_claim: SmsClaim | None = None,
) -> CaseRated:
    """`do_rate_case` on a case the caller has locked and whose rater it has checked."""

    level, _scores, comment = _clean(data)
    answered = ticket.status == Status.REPLIED
    subject = RatedSubject.objects.filter(ticket=ticket).first()
    stage: str | None
    if subject is None or not subject.ratings.filter(voided_at__isnull=True).exists():
        if ticket.status not in RATEABLE_STATUSES:
            raise InvalidTransition("诉求尚未答复，暂不能评价", code="case_not_rateable")
        stage = Stage.FIRST
    else:
        try:
            stage = _next_stage(subject)
        except ApplicationError:
            if not answered:
                raise
            stage = None
    agent: Any = acting_user if getattr(acting_user, "is_authenticated", False) else None
    method = FollowUpMethod.PORTAL
    if sms_claim is not None:
        agent = User.objects.filter(pk=sms_claim.by_id, is_active=True).first() if sms_claim.by_id else None
        method = FollowUpMethod.SMS
    follow_up = answered and agent is not None
    if follow_up and resolved in (None, ""):
        raise ValidationFailed("请选择问题是否已解决", code="resolved_required")
    if sms_claim is not None:
        _use_link(sms_claim, now)
    rating = None
    if stage is not None:
        if subject is None:
            subject = RatedSubject.objects.create(
                kind=SubjectKind.CASE,
                ticket=ticket,
                unit_id=_responsible_unit(ticket),
                created_at=now,
            )
        rater = acting_user if getattr(acting_user, "is_authenticated", False) else None
        rating = _insert_rating(
            subject, stage, data, channel=channel, rater=rater, proactive=proactive, now=now
        )
    result = CaseRated(ticket_id=ticket.pk, rating=rating)
    if follow_up:
        result.followed_up, result.resolved = True, _is_resolved(resolved)
        result.follow_up, result.reopened, result.escalation_flagged = _follow_up(
            agent=agent, ticket=ticket, resolved=result.resolved, satisfaction=level,
            method=method, comment=comment, now=now,
        )  # fmt: skip
        if rating is not None:
            rating.follow_up = result.follow_up
            rating.save(update_fields=["follow_up"])
        if sms_claim is not None:
            FollowUpCall.objects.create(
                ticket=ticket, method="sms", outcome=CallOutcome.CONNECTED, resolved=result.resolved,
                satisfaction=level, comment=comment, reopened=result.reopened,
                escalation_flagged=result.escalation_flagged, by=agent, at=now,
            )  # fmt: skip
    result.status = ticket.status
    return result


def rate_case(
    *,
    acting_user: User,
    ticket_id: Any,
    data: RatingInput,
    resolved: Any = None,
    channel: str = RatingChannel.PC,
    proactive: bool = True,
    now: dt.datetime | None = None,
) -> Rating:
    """`do_rate_case` for a caller that needs the rating itself: refused, and nothing kept, when the
    case's ratings are taken."""
    with transaction.atomic():
        result = do_rate_case(
            acting_user=acting_user, ticket_id=ticket_id, data=data, resolved=resolved, channel=channel,
            proactive=proactive, now=now,
        )  # fmt: skip
        if result.rating is None:
            raise Conflict("已评价并追评过，每项服务只能首评一次、追评一次", code="followup_exists")
        return result.rating


def _enterprise_follow_up(
    *,
    acting_user: User,
    ticket: Any,
    resolved: Any,
    satisfaction: Any,
    comment: str = "",
    now: dt.datetime,
) -> Any:
    """`tickets.rating_hook` handler: an enterprise's follow-up through the case system's doors
    (the 「我的诉求」 rating form, `POST /api/v1/cases/{id}/follow-up`) is its rating of the case.
    `ticket` is locked and the rater's ownership checked by `tickets.actions.do_follow_up`; returns
    the follow-up recorded (None when the case was not answered: the rating alone was kept)."""
    access.require_not_handling(acting_user, ticket)
    try:
        with transaction.atomic():
            result = _rate_locked_case(
                acting_user=acting_user, ticket=ticket, data=RatingInput(level=satisfaction, comment=comment or ""),
                resolved=resolved, channel=RatingChannel.PC, proactive=True, now=now,
            )  # fmt: skip
    except IntegrityError:
        raise Conflict("该诉求已有这一次评价，不能重复评价", code="already_rated") from None
    return result.follow_up


def answer_sms_link(
    *,
    token: str,
    resolved: Any = None,
    data: RatingInput | None = None,
    acting_user: User | None = None,
    ticket_id: Any = None,
    now: dt.datetime | None = None,
) -> CaseRated:
    """Use a signed SMS link once: the rating of the case by its contact (`do_rate_case`, channel
    短信), which while the case is answered is also its follow-up, recorded as the 短信回访 of the
    agent who sent the link. A `ticket_id` given with the link must be the link's case. Opened in
    the session of a member of a unit handling the case, the link is refused and stays unused."""
    now = _now(now)
    claim = read_sms_token(token, now=now)
    if ticket_id not in (None, "") and str(ticket_id) != str(claim.ticket_id):
        raise NotFound("该短信链接不是这件诉求的评价链接", code="link_invalid")
    return do_rate_case(
        acting_user=acting_user,
        ticket_id=claim.ticket_id,
        data=data or RatingInput(level=None),
        resolved=resolved,
        channel=RatingChannel.SMS,
        proactive=False,
        now=now,
        sms_claim=claim,
    )
