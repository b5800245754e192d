"""Who is told what when a case moves (R0.6). Called by `actions.py` inside the action's
transaction: the message rows are part of the change (a rolled-back action tells nobody) and
their delivery is enqueued when the transaction commits.

| event | told |
|---|---|
| dispatched | the lead unit's handlers and heads (待签收); co-handling units (协办) |
| accepted | the enterprise / submitter (已受理) |
| returned (退单) | the dispatchers whose area covers the case |
| reassigned (改派) | the new lead and co units; the previous handler |
| extension / suspension asked | the dispatchers |
| request decided | the person who asked, and the handler |
| resumed | the handler (or the lead unit when nobody has accepted) |
| public progress note | the enterprise / submitter |
| reply submitted | the heads of the lead unit (待审核) |
| reply approved | the enterprise / submitter (in-app, and SMS to a visitor without an account); the drafter |
| reply rejected | the drafter |
| follow-up closed | the handler |
| reopened (重办) | the handler and the lead unit's heads |
| closed on the spot | the enterprise / submitter |
| merged | the enterprise / submitter of the merged case |
| 临期 / 超期 (sweeper) | the handler (one message per case); the lead unit's heads and the dispatchers (one summary per sweep batch listing their cases) |

The person who acted is never told about their own action.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlencode

from django.db import transaction
from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from bangban.accounts.access import scope_of
from bangban.accounts.models import User
from bangban.accounts.roles import Role
from bangban.notifications.actions import notify, notify_user
from bangban.notifications.models import Channel as MessageChannel
from bangban.notifications.models import OutboxMessage
from bangban.notifications.tasks import deliver_due_messages
from bangban.org.models import Region, Unit

from .bulk import insert_rows
from .models import Ticket

UNIT_MEMBER_ROLES = (Role.HANDLER, Role.UNIT_HEAD)


def case_link(ticket_id: int) -> str:
    try:
        return reverse("tickets:detail", args=[ticket_id])
    except NoReverseMatch:
        return f"/cases/{ticket_id}/"


def case_link_maker() -> Callable[[int], str]:
    """`case_link` for many cases: the URL is reversed once."""
    sentinel = 987654321
    template = case_link(sentinel)
    return lambda ticket_id: template.replace(str(sentinel), str(ticket_id))


def _label(ticket: Ticket) -> str:
    return f"{ticket.number}「{ticket.title[:30]}」"


# --- who -------------------------------------------------------------------------------------


def _active() -> QuerySet[User]:
    return User.objects.filter(is_active=True)


def unit_members(unit_id: int | None, roles: Iterable[str] = UNIT_MEMBER_ROLES) -> list[User]:
    if not unit_id:
        return []
    return list(_active().filter(unit_id=unit_id, roles__code__in=list(roles)).distinct().order_by("pk"))


def unit_heads(unit_id: int | None) -> list[User]:
    return unit_members(unit_id, (Role.UNIT_HEAD,))


class DispatcherDirectory:
    """Every active dispatcher with the area they cover, loaded once; `for_paths` answers who
    covers a case whose region (or lead/intake unit's region) has one of the given paths."""

    def __init__(self) -> None:
        users = (
            _active()
            .filter(roles__code=Role.DISPATCHER)
            .select_related("unit__region")
            .distinct()
            .order_by("pk")
        )
        self.entries: list[tuple[User, bool, str | None]] = []
        for user in users:
            scope = scope_of(user)
            if scope.city_wide or scope.region_path:
                self.entries.append((user, scope.city_wide, scope.region_path))

    def for_paths(self, paths: Iterable[str | None]) -> list[User]:
        wanted = [p for p in paths if p]
        found = []
        for user, city_wide, prefix in self.entries:
            if city_wide or (prefix and any(p.startswith(prefix) for p in wanted)):
                found.append(user)
        return found


def case_paths(ticket: Ticket) -> list[str | None]:
    """Region paths that place a case: its own region, and the regions of its lead and intake units."""
    paths: list[str | None] = []
    if ticket.region_id:
        paths.append(Region.objects.filter(pk=ticket.region_id).values_list("path", flat=True).first())
    unit_ids = [u for u in (ticket.lead_unit_id, ticket.intake_unit_id) if u]
    if unit_ids:
        paths.extend(Unit.objects.filter(pk__in=unit_ids).values_list("region__path", flat=True))
    return paths


def dispatchers_for(ticket: Ticket) -> list[User]:
    return DispatcherDirectory().for_paths(case_paths(ticket))


def enterprise_people(ticket: Ticket) -> list[User]:
    """The submitter and the enterprise's own accounts."""
    people: dict[int, User] = {}
    if ticket.submitter_id:
        submitter = _active().filter(pk=ticket.submitter_id).first()
        if submitter is not None:
            people[submitter.pk] = submitter
    if ticket.enterprise_id:
        for user in (
            _active().filter(enterprise_id=ticket.enterprise_id, roles__code=Role.ENTERPRISE).distinct()
        ):
            people.setdefault(user.pk, user)
    return list(people.values())


def _user(user_id: int | None) -> list[User]:
    if not user_id:
        return []
    return list(_active().filter(pk=user_id))


# --- sending ---------------------------------------------------------------------------------


def _send(
    recipients: Iterable[User],
    actor: Any,
    ticket: Ticket,
    subject: str,
    body: str,
    dedupe_key_prefix: str | None = None,
) -> int:
    seen: set[int] = set()
    actor_id = getattr(actor, "pk", None)
    for user in recipients:
        if user.pk in seen or user.pk == actor_id:
            continue
        seen.add(user.pk)
        notify_user(user, subject, body, link=case_link(ticket.pk), dedupe_key_prefix=dedupe_key_prefix)
    return len(seen)


def _tell_visitor(ticket: Ticket, body: str) -> None:
    """A visitor who filed without an account (mayor mailbox, window) is told by SMS."""
    if ticket.submitter_id is None and ticket.enterprise_id is None and ticket.contact_phone:
        notify(
            channel=MessageChannel.SMS,
            subject=f"诉求{ticket.number}",
            body=body,
            address=ticket.contact_phone,
        )


def dispatched(
    ticket: Ticket,
    actor: Any,
    co_unit_ids: Iterable[int],
    *,
    reassigned: bool = False,
    dedupe_key_prefix: str | None = None,
) -> None:
    """Tell the lead unit's members and each co-handling unit's members. With `dedupe_key_prefix`
    (one per dispatch), telling again queues nothing twice."""
    word = "改派" if reassigned else "派发"
    due = f"，办理期限 {timezone.localtime(ticket.due_at):%Y-%m-%d %H:%M}" if ticket.due_at else ""
    _send(
        unit_members(ticket.lead_unit_id),
        actor,
        ticket,
        f"新诉求待签收：{ticket.number}",
        f"诉求{_label(ticket)}已{word}至本单位主办{due}，请及时签收。",
        dedupe_key_prefix=dedupe_key_prefix and f"{dedupe_key_prefix}:lead",
    )
    for unit_id in co_unit_ids:
        _send(
            unit_members(unit_id),
            actor,
            ticket,
            f"协办诉求：{ticket.number}",
            f"诉求{_label(ticket)}已{word}，本单位为协办单位，请配合主办单位办理。",
            dedupe_key_prefix=dedupe_key_prefix and f"{dedupe_key_prefix}:co{unit_id}",
        )


def reassigned(
    ticket: Ticket, actor: Any, co_unit_ids: Iterable[int], previous_handler_id: int | None
) -> None:
    dispatched(ticket, actor, co_unit_ids, reassigned=True)
    _send(
        _user(previous_handler_id),
        actor,
        ticket,
        f"诉求已改派：{ticket.number}",
        f"诉求{_label(ticket)}已改派其他单位办理，您无需继续办理。",
    )


def accepted(ticket: Ticket, actor: Any) -> None:
    unit = ticket.lead_unit.name if ticket.lead_unit else "承办单位"
    _send(
        enterprise_people(ticket),
        actor,
        ticket,
        f"诉求已受理：{ticket.number}",
        f"您的诉求{_label(ticket)}已由{unit}签收办理。",
    )


def returned(ticket: Ticket, actor: Any, unit_name: str, reason: str, paths: list[str | None]) -> None:
    """`paths`: where the case was before the return (its lead unit is cleared by then)."""
    _send(
        DispatcherDirectory().for_paths(paths),
        actor,
        ticket,
        f"诉求被退单：{ticket.number}",
        f"{unit_name}退回了诉求{_label(ticket)}，理由：{reason}。请重新派单。",
    )


def request_made(ticket: Ticket, actor: Any, kind_label: str, reason: str) -> None:
    _send(
        dispatchers_for(ticket),
        actor,
        ticket,
        f"{kind_label}申请待审批：{ticket.number}",
        f"诉求{_label(ticket)}申请{kind_label}，理由：{reason}。",
    )


def request_decided(ticket: Ticket, actor: Any, requester_id: int, kind_label: str, approved: bool) -> None:
    outcome = "已批准" if approved else "未批准"
    _send(
        _user(requester_id) + _user(ticket.handler_id),
        actor,
        ticket,
        f"{kind_label}申请{outcome}：{ticket.number}",
        f"诉求{_label(ticket)}的{kind_label}申请{outcome}。",
    )


def resumed(ticket: Ticket, actor: Any) -> None:
    recipients = _user(ticket.handler_id) or unit_members(ticket.lead_unit_id)
    due = f"，新的办理期限 {timezone.localtime(ticket.due_at):%Y-%m-%d %H:%M}" if ticket.due_at else ""
    _send(
        recipients, actor, ticket, f"诉求恢复办理：{ticket.number}", f"诉求{_label(ticket)}已恢复办理{due}。"
    )


def public_note(ticket: Ticket, actor: Any) -> None:
    _send(
        enterprise_people(ticket),
        actor,
        ticket,
        f"诉求有新进展：{ticket.number}",
        f"您的诉求{_label(ticket)}有新的办理进展，请登录查看。",
    )


def reply_submitted(ticket: Ticket, actor: Any) -> None:
    _send(
        unit_heads(ticket.lead_unit_id),
        actor,
        ticket,
        f"答复待审核：{ticket.number}",
        f"诉求{_label(ticket)}的答复已提交，请审核。",
    )


def reply_approved(ticket: Ticket, actor: Any, drafter_id: int | None) -> None:
    body = f"您的诉求{ticket.number}已答复，请登录查看答复内容并评价。"
    _send(enterprise_people(ticket), actor, ticket, f"诉求已答复：{ticket.number}", body)
    _tell_visitor(ticket, f"您反映的诉求（编号{ticket.number}）已答复，工作人员将与您联系回访。")
    _send(
        _user(drafter_id),
        actor,
        ticket,
        f"答复已通过审核：{ticket.number}",
        f"诉求{_label(ticket)}的答复已审核通过。",
    )


def shared_reply(ticket: Ticket, actor: Any, source: str) -> None:
    """One answer given to several cases (类案统一答复): the enterprise is told as for an approved
    reply; the case's own handler and the heads of its lead unit learn that it was answered."""
    body = f"您的诉求{ticket.number}已答复，请登录查看答复内容并评价。"
    _send(enterprise_people(ticket), actor, ticket, f"诉求已答复：{ticket.number}", body)
    _tell_visitor(ticket, f"您反映的诉求（编号{ticket.number}）已答复，工作人员将与您联系回访。")
    _send(
        _user(ticket.handler_id) + unit_heads(ticket.lead_unit_id),
        actor,
        ticket,
        f"诉求已统一答复：{ticket.number}",
        f"诉求{_label(ticket)}已由{source}统一答复，待回访。",
    )


def reply_rejected(ticket: Ticket, actor: Any, drafter_id: int | None, comment: str) -> None:
    _send(
        _user(drafter_id),
        actor,
        ticket,
        f"答复被退回：{ticket.number}",
        f"诉求{_label(ticket)}的答复被退回，意见：{comment}",
    )


def followed_up(ticket: Ticket, actor: Any, *, reopened: bool) -> None:
    if reopened:
        _send(
            _user(ticket.handler_id) + unit_heads(ticket.lead_unit_id),
            actor,
            ticket,
            f"诉求重办：{ticket.number}",
            f"诉求{_label(ticket)}回访未解决或不满意，已重办（计入本单位重办次数），请重新办理。",
        )
    else:
        _send(
            _user(ticket.handler_id),
            actor,
            ticket,
            f"诉求已办结：{ticket.number}",
            f"诉求{_label(ticket)}回访满意，已办结。",
        )


def closed_on_spot(ticket: Ticket, actor: Any) -> None:
    body = f"您的诉求{ticket.number}已当场办结，请登录查看答复。"
    _send(enterprise_people(ticket), actor, ticket, f"诉求已办结：{ticket.number}", body)
    _tell_visitor(ticket, f"您反映的诉求（编号{ticket.number}）已办结。")


def merged(ticket: Ticket, actor: Any, target: Ticket) -> None:
    _send(
        enterprise_people(ticket),
        actor,
        ticket,
        f"诉求已合并办理：{ticket.number}",
        f"您的诉求{ticket.number}与诉求{target.number}反映的问题相同，已合并办理。",
    )


# --- the sweeper: many messages at once -------------------------------------------------------


def queue_inapp_many(items: Iterable[tuple[int, str, str, str, str]]) -> int:
    """Queue in-app messages for (user_id, subject, body, link, dedupe_key) in a few statements —
    the same outbox rows `notify()` writes, so the outbox sweep delivers them — and enqueue one
    delivery sweep when the transaction commits. A dedupe key already queued is skipped. Returns
    the number of messages queued."""
    now = timezone.now()
    rows = [
        (
            MessageChannel.INAPP.value,
            user_id,
            "",
            subject[:200],
            body,
            link[:300],
            key[:200],
            "pending",
            0,
            now,
            "",
            now,
        )
        for user_id, subject, body, link, key in items
    ]
    if not rows:
        return 0
    inserted = insert_rows(
        OutboxMessage,
        [
            "channel",
            "recipient_id",
            "address",
            "subject",
            "body",
            "link",
            "dedupe_key",
            "status",
            "attempts",
            "next_attempt_at",
            "last_error",
            "created_at",
        ],
        rows,
        conflict=[],
        returning=["id"],
    )

    def deliver() -> None:

        deliver_due_messages.enqueue()

    if inserted:
        transaction.on_commit(deliver, robust=True)
    return len(inserted)


def queue_link(queue: str, query: dict[str, str]) -> str:
    """A case list page ("unit" 本单位待办, "all" 全部诉求) filtered by `query`."""
    try:
        path = reverse(f"tickets:{queue}_queue" if queue == "unit" else f"tickets:{queue}")
    except NoReverseMatch:
        path = f"/cases/{queue}/"
    return f"{path}?{urlencode(query)}" if query else path


def deadline_dedupe_key(ticket_id: int, threshold: str, due_at: dt.datetime, user_id: int) -> str:
    return f"ticket-deadline:{ticket_id}:{threshold}:{int(due_at.timestamp())}:inapp:{user_id}"
