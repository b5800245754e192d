"""The rectification of bad ratings (差评整改): 核实, 定性, 整改反馈 and 举一反三."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone

from bangban.accounts.models import User
from bangban.accounts.roles import Role
from bangban.audit.actions import record, snapshot
from bangban.core import kit
from bangban.core.errors import ValidationFailed
from bangban.core.kit import durable_action
from bangban.notifications.actions import notify, notify_user
from bangban.org.models import Unit
from bangban.tickets.notifications import enterprise_people
from bangban.tickets.public import case_by_ref
from bangban.workdays import service as workday_service

from .. import access, workflow
from ..models import (
    RatedSubject,
    Rating,
    RectCategory,
    Rectification,
    RectificationLink,
    RectStatus,
    SubjectKind,
)
from ._common import _active_unit_members, _managers, _now, _rect_event, _text, rect_link
from .parameters import get_settings
from .tokens import make_sms_token, sms_url, subject_token


def _lock_rect(acting_user: User, rect_id: Any) -> Rectification:
    """The rectification, locked; 404 outside the user's scope."""
    return kit.lock(access.visible_rectifications(acting_user), rect_id)


def _snapshot(rect: Rectification) -> dict:
    return snapshot(rect, fields=["status", "category", "due_at", "rectified_at", "rater_level", "version"])


def _move(rect: Rectification, action: str, expected_version: Any, doing: str) -> str:
    """The version the user read, then whether `action` is allowed now (after the caller has
    authorised the user, so that nobody learns of a change from a refusal they may not see)."""
    kit.check_version(rect, expected_version)
    return workflow.RECTIFICATION.check(
        rect.status,
        action,
        message=f"整改当前为“{RectStatus(rect.status).label}”，不能{doing}",
        code="invalid_transition",
    )


@durable_action
def do_verify(
    *,
    acting_user: User,
    rect_id: Any,
    verification: str,
    expected_version: Any = None,
    now: dt.datetime | None = None,
) -> Rectification:
    """The responsible unit records what it found (核实)."""
    now = _now(now)
    rect = _lock_rect(acting_user, rect_id)
    access.require_unit_member(acting_user, rect)
    moved = _move(rect, "verify", expected_version, "核实")
    before = _snapshot(rect)
    rect.verification = _text(verification, 2000, required="请填写核实情况", code="verification_required")
    rect.status = moved
    kit.save_change(rect, ["verification", "status"])
    _rect_event("ratings.rect_verify", rect, acting_user, before, note=rect.verification)
    for user in _managers():
        notify_user(
            user,
            f"差评整改待定性：{rect.number}",
            "责任单位已核实，请定性。",
            link=rect_link(rect),
            now=now,
        )
    return rect


@durable_action
def do_classify(
    *,
    acting_user: User,
    rect_id: Any,
    category: str,
    note: str = "",
    workdays: Any = None,
    expected_version: Any = None,
    now: dt.datetime | None = None,
) -> Rectification:
    """营商办 decides: 立行立改 (today), 限期整改 (N working days, default 5), 解释说明, or 申诉复核
    (the rating is false or malicious: it no longer counts as a 差评)."""
    now = _now(now)
    access.require_manager(acting_user, "整改定性由营商办决定")
    if category not in RectCategory.values:
        raise ValidationFailed("定性无效：立行立改、限期整改、解释说明或申诉复核", code="category_invalid")
    note = _text(note, 500)
    rect = _lock_rect(acting_user, rect_id)
    moved = _move(
        rect, "uphold_appeal" if category == RectCategory.APPEAL else "classify", expected_version, "定性"
    )
    before = _snapshot(rect)
    rect.category = category
    rect.classify_note = note
    fields = ["category", "classify_note", "status"]
    if category == RectCategory.APPEAL:
        if not note:
            raise ValidationFailed("申诉复核成立须写明理由", code="note_required")
        rect.status = moved
        rect.closed_at = now
        fields.append("closed_at")
        Rating.objects.filter(pk=rect.rating_id).update(invalidated=True)
    else:
        if category == RectCategory.IMMEDIATE:
            days = 0
        else:
            try:
                days = get_settings().rectification_workdays if workdays in (None, "") else int(workdays)
            except (TypeError, ValueError):
                raise ValidationFailed("整改时限应为工作日数", code="workdays_invalid") from None
            if not 0 <= days <= 60:
                raise ValidationFailed("整改时限应在 0–60 个工作日之间", code="workdays_invalid")
        rect.due_at = _due(now, days)
        rect.status = moved
        fields.append("due_at")
    kit.save_change(rect, fields)
    _rect_event("ratings.rect_classify", rect, acting_user, before, note=note)
    for user in _active_unit_members(rect.unit_id):
        text = (
            "营商办认定申诉成立，该评价不计入差评。"
            if rect.status == RectStatus.DISMISSED
            else f"营商办定性为“{RectCategory(category).label}”，请于 {timezone.localtime(rect.due_at):%Y-%m-%d} 前完成并反馈评价人。"  # type: ignore[arg-type]
        )
        notify_user(user, f"差评整改已定性：{rect.number}", text, link=rect_link(rect), now=now)
    return rect


def _due(now: dt.datetime, days: int) -> dt.datetime:
    return workday_service.due(now, days).at


@durable_action
def do_rectify(
    *,
    acting_user: User,
    rect_id: Any,
    measures: str,
    feedback: str,
    expected_version: Any = None,
    now: dt.datetime | None = None,
) -> Rectification:
    """The unit reports what it did and the feedback for the rater, who is told and asked to rate."""
    now = _now(now)
    rect = _lock_rect(acting_user, rect_id)
    access.require_unit_member(acting_user, rect)
    moved = _move(rect, "rectify", expected_version, "反馈整改结果")
    before = _snapshot(rect)
    rect.measures = _text(measures, 2000, required="请填写整改措施", code="measures_required")
    rect.feedback = _text(feedback, 2000, required="请填写给评价人的反馈", code="feedback_required")
    rect.status = moved
    rect.rectified_at = now
    kit.save_change(rect, ["measures", "feedback", "status", "rectified_at"])
    _rect_event("ratings.rect_rectify", rect, acting_user, before, note=rect.feedback)
    _tell_rater(rect, now)
    return rect


def rater_link(subject: RatedSubject) -> str:
    """Where the rater of a service event gives the 追评 (its signed follow-up page). A case has no
    such link: its rater is told through the enterprise's login or a fresh SMS link (`_tell_rater`)."""
    if subject.kind == SubjectKind.CASE:
        raise ValueError("a case is rated by its enterprise or through an SMS link, not by a subject link")
    return reverse("ratings:subject", args=[subject_token(subject.pk)])


def _tell_rater(rect: Rectification, now: dt.datetime) -> None:
    """Tell the rater the rectification's feedback and ask for the 追评: for a case, its enterprise's
    users (and the rater) on the case page, or — a visitor without an account — a fresh one-time SMS
    link to the case's contact phone; for a service event, the rater on its follow-up page."""

    rating = Rating.objects.select_related("rater").get(pk=rect.rating_id)
    subject = rect.subject
    body = f"您的评价已整改：{rect.feedback}。请对整改结果进行评价。"
    people: dict[int, Any] = {}
    rater = rating.rater
    # A rater of the unit's own case (a rating given in breach) is not asked to rate it again.
    if rater is not None and not (subject.ticket_id and access.handles_case(rater, subject.ticket)):
        people[rater.pk] = rater
    if subject.ticket_id:
        ticket = subject.ticket
        link = reverse("tickets:detail", args=[subject.ticket_id])
        for user in enterprise_people(ticket):  # type: ignore[arg-type]
            people[user.pk] = user
        phone = ticket.contact_phone  # type: ignore[union-attr]
        if phone and not people:
            url = sms_url(make_sms_token(subject.ticket_id, "rate", None))  # type: ignore[arg-type]
            notify(
                channel="sms", address=phone, subject="差评整改反馈",
                body=f"{body}评价链接：{url}（{get_settings().sms_link_days} 天内有效，仅可使用一次）", link=url, now=now,
            )  # fmt: skip
    else:
        link = rater_link(subject)
    for user in people.values():
        notify_user(user, f"差评整改反馈：{rect.number}", body, link=link, now=now)


@durable_action
def do_add_link(
    *,
    acting_user: User,
    rect_id: Any,
    unit_id: Any,
    note: str,
    ticket_id: Any = None,
    now: dt.datetime | None = None,
) -> RectificationLink:
    """举一反三: record a similar problem elsewhere (another unit, optionally one of its cases)."""

    now = _now(now)
    rect = _lock_rect(acting_user, rect_id)
    if not access.is_manager(acting_user):
        access.require_unit_member(acting_user, rect)
    try:
        unit = Unit.objects.get(pk=int(unit_id), is_active=True)
    except (Unit.DoesNotExist, TypeError, ValueError):
        raise ValidationFailed("相关单位不存在", code="unit_invalid") from None
    ticket = None
    if ticket_id not in (None, ""):
        ticket = case_by_ref(ticket_id)
        if ticket is None:
            raise ValidationFailed("相关诉求不存在", code="ticket_invalid")
    link = RectificationLink.objects.create(
        rectification=rect,
        unit=unit,
        ticket=ticket,
        note=_text(note, 500, required="请填写类似问题及举措", code="note_required"),
        created_by=acting_user if getattr(acting_user, "pk", None) else None,
        created_at=now,
    )
    record(
        "ratings.rect_link",
        actor=acting_user,
        obj=rect,
        after={"unit": unit.pk, "ticket": ticket.pk if ticket else None, "note": link.note},
    )
    if unit.pk != rect.unit_id:
        for user in _active_unit_members(unit.pk, frozenset({Role.UNIT_HEAD})):
            notify_user(
                user,
                f"举一反三：{rect.number}",
                f"请对照排查类似问题：{link.note}",
                link=rect_link(rect),
                now=now,
            )
    return link
