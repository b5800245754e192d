"""Handling and closing a case: progress notes, internal comments, replies and their review,
follow-up (回访), 办结 and 重办 (当场办结 and 类案统一答复 are in `actions_answers.py`; see
`actions.py`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from bangban.accounts.models import User
from bangban.core.errors import (
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from bangban.core.kit import durable_action
from bangban.core.satisfaction import SATISFIED_LEVELS, Satisfaction

from . import notifications, rating_hook, replies
from .access import check_action
from .events import add_event
from .lifecycle import (
    _Change,
    _lock,
    _now,
    _reopen_deadline,
    _require_status,
    _text,
    _unit_name,
)
from .models import (
    FollowUp,
    FollowUpMethod,
    Reply,
    ReviewStatus,
    Ticket,
    TicketEvent,
    Visibility,
)
from .workflow import Action, Status, check_transition

# --- handling (进展, 意见, 答复, 审核) -------------------------------------------------------------


@durable_action
def do_add_note(
    *,
    acting_user: User,
    ticket_id: int,
    text: str,
    public: bool,
    now: dt.datetime | None = None,
    expected_version: int | None = None,
) -> TicketEvent:
    """A progress note to the enterprise (public: lead unit members) or an internal comment (any
    staff member who can see the case). A note does not change the case, so its version stays."""
    now = _now(now)
    ticket = _lock(acting_user, ticket_id, "note" if public else "comment", expected_version)
    text = _text(text, code="text_required", message="请填写内容")
    if public:
        event = add_event(ticket, "note", actor=acting_user, note=text, visibility=Visibility.PUBLIC, now=now)
        notifications.public_note(ticket, acting_user)
    else:
        event = add_event(
            ticket, "comment", actor=acting_user, note=text, visibility=Visibility.INTERNAL, now=now
        )
    return event


@durable_action
def do_submit_reply(
    *,
    acting_user: User,
    ticket_id: int,
    content: str,
    result: str | None = None,
    contact_method: str | None = None,
    contacted_at: dt.datetime | str | None = None,
    contact_person: str | None = None,
    contact_note: str = "",
    attachments: Sequence[Any] = (),
    keep_attachment_ids: Iterable[Any] = (),
    now: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Ticket:
    """The lead unit drafts the reply (答复); it goes to the unit head for approval. A reply is a
    structured record (`replies.py`): the result (办理结果), the text, the contact record (how, when
    and with whom the enterprise was contacted — internal) and files, internal until approval.
    `keep_attachment_ids`: files of the reply the head sent back, kept for this one. The page and
    the API both come here, so both give the same answers to the same mistakes."""
    now = _now(now)
    ticket = _lock(acting_user, ticket_id, "submit_reply", expected_version)
    target = check_transition(ticket.status, Action.SUBMIT_REPLY)
    checked = replies.check_reply(
        ticket,
        result=result,
        content=content,
        contact_method=contact_method,
        contacted_at=contacted_at,
        contact_person=contact_person,
        contact_note=contact_note,
        attachments=attachments,
        keep_attachment_ids=keep_attachment_ids,
        now=now,
    )
    change = _Change(ticket, acting_user, now)
    reply = Reply.objects.create(
        ticket=ticket, drafted_by=acting_user, drafted_at=now, **checked.model_fields()
    )
    stored = replies.store_reply_files(reply, checked, uploaded_by=acting_user)
    ticket.status = target
    change.save(["status"])
    change.event(
        Action.SUBMIT_REPLY,
        note=checked.content,
        data={
            "reply_id": reply.pk,
            "result": reply.result,
            "contact_method": reply.contact_method,
            "contacted_at": reply.contacted_at.isoformat() if reply.contacted_at else None,
            "contact_person": reply.contact_person,
            "attachments": [{"id": a.pk, "name": a.original_name, "sha256": a.sha256} for a in stored],
        },
    )
    notifications.reply_submitted(ticket, acting_user)
    return ticket


def _pending_reply(ticket: Ticket) -> Reply:
    reply = (
        Reply.objects.select_for_update()
        .filter(ticket=ticket, status=ReviewStatus.PENDING)
        .order_by("-drafted_at", "-id")
        .first()
    )
    if reply is None:
        raise InvalidTransition("没有待审核的答复", code="invalid_transition")
    return reply


@durable_action
def do_approve_reply(
    *,
    acting_user: User,
    ticket_id: int,
    comment: str = "",
    now: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Ticket:
    """The head of the lead unit approves the reply: the enterprise sees it (a public event with the
    reply text; the result and the reply's files, which become public now) and is told; the case
    waits for the follow-up (回访). The contact record stays internal."""
    now = _now(now)
    ticket = _lock(acting_user, ticket_id, "approve_reply", expected_version)
    target = check_transition(ticket.status, Action.APPROVE_REPLY)
    comment = _text(comment, code="comment_invalid", message="", max_length=500, required=False)
    reply = _pending_reply(ticket)
    change = _Change(ticket, acting_user, now)
    reply.status = ReviewStatus.APPROVED
    reply.reviewed_by = acting_user
    reply.reviewed_at = now
    reply.review_comment = comment
    reply.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment"])
    # The reply's files reach the enterprise with the reply, not before.
    replies.publish_reply_files(reply)
    ticket.status = target
    ticket.replied_at = now
    change.save(["status", "replied_at"])
    change.event(
        Action.APPROVE_REPLY,
        note=reply.content,
        visibility=Visibility.PUBLIC,
        # A public event: the result, never the contact record.
        data={"reply_id": reply.pk, "review_comment": comment, "result": reply.result},
    )
    notifications.reply_approved(ticket, acting_user, reply.drafted_by_id)
    return ticket


@durable_action
def do_reject_reply(
    *,
    acting_user: User,
    ticket_id: int,
    comment: str,
    now: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Ticket:
    """The head sends the reply back with a comment; the case is handled again."""
    now = _now(now)
    ticket = _lock(acting_user, ticket_id, "reject_reply", expected_version)
    target = check_transition(ticket.status, Action.REJECT_REPLY)
    comment = _text(comment, code="comment_required", message="退回答复必须填写意见", max_length=500)
    reply = _pending_reply(ticket)
    change = _Change(ticket, acting_user, now)
    reply.status = ReviewStatus.REJECTED
    reply.reviewed_by = acting_user
    reply.reviewed_at = now
    reply.review_comment = comment
    reply.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment"])
    ticket.status = target
    change.save(["status"])
    change.event(Action.REJECT_REPLY, note=comment, data={"reply_id": reply.pk})
    notifications.reply_rejected(ticket, acting_user, reply.drafted_by_id, comment)
    return ticket


# --- follow-up and closure (回访, 办结, 重办) -----------------------------------------------------


class FollowUpOutcome:
    """What the follow-up rule decides (`follow_up_outcome`)."""

    CLOSE = "close"
    REOPEN = "reopen"
    LIMIT_REACHED = "limit_reached"


def follow_up_outcome(ticket: Ticket, *, solved: bool) -> str:
    """The one rule after a follow-up (回访, an enterprise's rating) or a 回头看 that found the case
    not solved: solved closes the case (办结); otherwise it is reopened (重办) — unless it has been
    reopened as many times as the limit allows (`rating_hook.reopen_limit()`, provided by the
    ratings app), then it is flagged for escalation (督办) instead."""
    if solved:
        return FollowUpOutcome.CLOSE
    limit = rating_hook.reopen_limit()
    if limit is not None and ticket.reopen_count >= limit:
        return FollowUpOutcome.LIMIT_REACHED
    return FollowUpOutcome.REOPEN


@durable_action
def do_follow_up(
    *,
    acting_user: User,
    ticket_id: int,
    resolved: bool,
    satisfaction: int | None,
    method: str = FollowUpMethod.PHONE,
    comment: str = "",
    now: dt.datetime | None = None,
    expected_version: int | None = None,
) -> FollowUp | None:
    """The follow-up of an answered case (回访), by a dispatcher, hotline agent or 营商办, or the
    enterprise's own rating on the portal; returns the follow-up recorded (None only when the
    enterprise rated a case no longer answered: its 追评 is kept as 好差评 alone). The case is locked and
    the user's right checked once, here; `record_follow_up` applies the rule. The enterprise's own
    rating is handed, with the locked case, to the handler registered in `rating_hook` (the ratings
    app), which records it with `record_follow_up` and as 好差评."""
    now = _now(now)
    # Who may act on the case comes first: outside one's scope the case does not exist (404),
    # whatever the body says.
    ticket = _lock(acting_user, ticket_id, "view", expected_version)
    own_rating = False
    try:
        check_action(acting_user, ticket, "follow_up")
    except PermissionDenied:
        check_action(acting_user, ticket, "rate")
        own_rating = True
    if satisfaction is None or satisfaction == "":
        raise ValidationFailed("请选择满意度", code="level_required")
    if own_rating:
        method = FollowUpMethod.PORTAL
        delegate = rating_hook.handler()
        if delegate is not None:
            # The enterprise's own rating: follow-up and 好差评 together (see rating_hook).
            follow_up: FollowUp | None = delegate(
                acting_user=acting_user,
                ticket=ticket,
                resolved=resolved,
                satisfaction=satisfaction,
                comment=comment,
                now=now,
            )
            return follow_up
    return record_follow_up(
        acting_user=acting_user,
        ticket=ticket,
        resolved=resolved,
        satisfaction=satisfaction,
        method=method,
        comment=comment,
        now=now,
    )


def record_follow_up(
    *,
    acting_user: User,
    ticket: Ticket,
    resolved: bool,
    satisfaction: Any,
    method: str,
    comment: str = "",
    now: dt.datetime,
) -> FollowUp:
    """Record the follow-up of `ticket` — locked by the caller, who has checked the user's right —
    and apply `follow_up_outcome`: resolved and satisfied (非常满意/满意/基本满意) closes the case
    (办结); unresolved or 不满意/非常不满意 reopens it (重办) at the same lead unit with a fresh
    deadline, counted against the unit; at the reopen limit the follow-up is recorded and the case
    stays answered, marked for escalation (督办) instead of another reopen. Calls no handler."""
    try:
        level = Satisfaction(int(satisfaction))
    except (TypeError, ValueError):
        raise ValidationFailed(
            "满意度应为 1–5（1 非常满意、2 满意、3 基本满意、4 不满意、5 非常不满意）",
            code="satisfaction_invalid",
        ) from None
    if method not in FollowUpMethod.values:
        raise ValidationFailed("回访方式无效（phone / sms / portal / visit）", code="method_invalid")
    comment = _text(comment, code="comment_invalid", message="", max_length=500, required=False)
    # A follow-up belongs to an answered case; anything else (a second follow-up included) is out of turn.
    closing = check_transition(ticket.status, Action.FOLLOW_UP_CLOSE)
    change = _Change(ticket, acting_user, now)
    follow_up = FollowUp.objects.create(
        ticket=ticket,
        at=now,
        by=acting_user if getattr(acting_user, "pk", None) else None,
        method=method,
        resolved=bool(resolved),
        satisfaction=level,
        comment=comment,
    )
    ticket.satisfaction = level
    outcome = f"{'已解决' if resolved else '未解决'}，{level.label}"
    said = f"（{comment}）" if comment else ""
    decision = follow_up_outcome(ticket, solved=bool(resolved) and level in SATISFIED_LEVELS)
    if decision == FollowUpOutcome.CLOSE:
        ticket.status = closing
        ticket.closed_at = now
        change.save(["status", "satisfaction", "closed_at"])
        change.event(
            Action.FOLLOW_UP_CLOSE,
            note=f"回访：{outcome}{said}，诉求办结",
            visibility=Visibility.PUBLIC,
            data={"resolved": bool(resolved), "satisfaction": int(level), "method": method},
        )
        notifications.followed_up(ticket, acting_user, reopened=False)
    elif decision == FollowUpOutcome.LIMIT_REACHED:
        change.save(["satisfaction"])
        change.event(
            "follow_up_escalate",
            note=f"回访：{outcome}{said}，重办次数已达上限（{ticket.reopen_count} 次），提请督办",
            data={
                "resolved": bool(resolved),
                "satisfaction": int(level),
                "method": method,
                "escalation": True,
                "reopen_count": ticket.reopen_count,
            },
        )
    else:
        ticket.status = check_transition(ticket.status, Action.REOPEN)
        fields = ["status", "satisfaction", "reopen_count", *_reopen_deadline(ticket, now)]
        ticket.reopen_count += 1
        change.save(fields)
        unit = _unit_name(ticket.lead_unit_id)
        change.event(
            Action.REOPEN,
            note=f"回访：{outcome}{said}，诉求重办（计入{unit}第 {ticket.reopen_count} 次重办）",
            visibility=Visibility.PUBLIC,
            data={
                "resolved": bool(resolved),
                "satisfaction": int(level),
                "method": method,
                "counts_against_unit_id": ticket.lead_unit_id,
                "reopen_count": ticket.reopen_count,
                "deadline_reset": True,
            },
        )
        notifications.followed_up(ticket, acting_user, reopened=True)
    return follow_up


@durable_action
def do_reopen_after_recheck(
    *,
    acting_user: User,
    ticket_id: int,
    note: str,
    now: dt.datetime | None = None,
) -> Ticket:
    """回头看 (R6.3, R14.2) found a closed case not really solved (办结不实): reopen it (重办) at its
    lead unit with a fresh deadline, counted against the unit — or, at the reopen limit
    (`follow_up_outcome`), keep it closed and flag it for escalation (督办). Who may record the
    re-check is decided by the caller (bangban.ratings.actions)."""
    now = _now(now)
    try:
        ticket = Ticket.objects.select_for_update().get(pk=int(ticket_id))
    except (Ticket.DoesNotExist, TypeError, ValueError):
        raise NotFound() from None
    _require_status(ticket, {Status.CLOSED}, "因回头看办结不实重办")
    note = _text(note, code="note_required", message="请填写办结不实的情况", max_length=500)
    change = _Change(ticket, acting_user, now)
    if follow_up_outcome(ticket, solved=False) == FollowUpOutcome.LIMIT_REACHED:
        change.event(
            "recheck_escalate",
            note=f"回头看：办结不实（{note}），重办次数已达上限（{ticket.reopen_count} 次），提请督办",
            data={"recheck": True, "escalation": True, "reopen_count": ticket.reopen_count},
        )
        return ticket
    ticket.status = check_transition(ticket.status, Action.REOPEN)
    fields = ["status", "reopen_count", *_reopen_deadline(ticket, now)]
    ticket.reopen_count += 1
    change.save(fields)
    unit = _unit_name(ticket.lead_unit_id)
    change.event(
        Action.REOPEN,
        note=f"回头看：办结不实（{note}），诉求重办（计入{unit}第 {ticket.reopen_count} 次重办）",
        visibility=Visibility.PUBLIC,
        data={
            "recheck": True,
            "counts_against_unit_id": ticket.lead_unit_id,
            "reopen_count": ticket.reopen_count,
            "deadline_reset": True,
        },
    )
    notifications.followed_up(ticket, acting_user, reopened=True)
    return ticket
