"""非公企业家恳谈会 and 宿商讲坛 sessions after the day (R5.2): each problem or suggestion raised at a
恳谈会 is recorded, turned into a case with one click (once: a second click finds the same case),
and followed up; each session's attendance (签到: the people present and their enterprises) is
recorded and counted."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse

from bangban.accounts.models import User
from bangban.audit.actions import record, snapshot
from bangban.core import kit
from bangban.core.errors import InvalidTransition, NotFound, PermissionDenied
from bangban.core.kit import durable_action
from bangban.enterprises.models import Enterprise
from bangban.tickets.intake import IntakeInput, do_intake_api
from bangban.tickets.models import Channel, TicketType
from bangban.tickets.origins import Origin

from . import checks
from .access import access_event, can_run_forums, visible_events
from .models import Event, EventAttendance, EventItem, EventItemKind, EventKind, FollowUp

ACTION_LABELS = {
    "outreach.event_item_recorded": "记录恳谈会问题建议",
    "outreach.event_item_converted": "恳谈会问题建议转为诉求",
    "outreach.attendance_recorded": "登记活动签到",
    "outreach.attendance_removed": "删除活动签到",
}
# Idempotency key of the case made from an item: the same item never makes two cases.
ITEM_KEY = "outreach-event-item-{pk}"


def _require_forums(user: Any) -> None:
    if not can_run_forums(user):
        raise PermissionDenied("只有营商办可以办理此操作")


def _enterprise(data: dict[str, Any], name: str) -> Enterprise | None:
    pk = checks.optional_int(data, name, "企业")
    if pk is None:
        return None
    found = Enterprise.objects.filter(pk=pk).first()
    if found is None:
        raise checks.fail(name, "unknown_enterprise", "所选企业不存在")
    return found


def access_item(user: Any, item_id: Any, *, for_update: bool = False) -> EventItem:
    """An item of an event the user may see (404 otherwise)."""
    item = EventItem.objects.filter(pk=_pk(item_id)).values_list("pk", "event_id").first()
    if item is None:
        raise NotFound()
    access_event(user, item[1])
    qs = EventItem.objects.select_related("event", "enterprise", "ticket")
    return kit.lock(qs, item[0]) if for_update else qs.get(pk=item[0])


def _pk(value: Any) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        raise NotFound() from None


@durable_action
def do_record_item(*, acting_user: User, event_id: int, data: dict[str, Any], now: dt.datetime) -> EventItem:
    """A problem (反映) or a suggestion (建议) raised at a 恳谈会."""
    event = access_event(acting_user, event_id)
    _require_forums(acting_user)
    if event.kind != EventKind.TALK:
        raise InvalidTransition("只有恳谈会记录反映问题和建议", code="not_a_talk")
    kind = checks.choice(data, "kind", "类别", EventItemKind)
    content = checks.text(data, "content", "内容", max_length=5000)
    item = EventItem.objects.create(
        event=event,
        kind=kind,
        content=content,
        enterprise=_enterprise(data, "enterprise_id"),
        raised_by=checks.text(data, "raised_by", "提出人", max_length=50, required=False),
        recorded_by=acting_user,
        recorded_at=now,
    )
    record("outreach.event_item_recorded", actor=acting_user, obj=item, after=snapshot(item))
    return item


@dataclass
class Converted:
    item: EventItem
    created: bool  # False: the item had become a case before (a second click)


@durable_action
def do_convert_item(*, acting_user: User, item_id: Any, now: dt.datetime) -> Converted:
    """Turn the item into a case (channel 行业协会商会, a 帮办 case for its enterprise). Idempotent:
    the item is locked, and once it has a case the same case is answered, nothing is written."""
    item = access_item(acting_user, item_id, for_update=True)
    _require_forums(acting_user)
    if item.ticket_id is not None:
        return Converted(item, created=False)
    event = item.event
    who = item.enterprise.name if item.enterprise else (item.raised_by or "参会企业")
    first = item.content.splitlines()[0].strip() if item.content.strip() else item.get_kind_display()
    result = do_intake_api(
        acting_user=acting_user,
        channel=Channel.ASSOCIATION,
        data=IntakeInput(
            title=f"[恳谈会] {first}"[:120],
            content=(
                f"{item.content}\n\n（{event.held_on:%Y年%m月%d日}非公企业家恳谈会“{event.theme}”上"
                f"{who}{item.get_kind_display()}）"
            ),
            type=TicketType.HELP,
            enterprise_id=item.enterprise_id,
            enterprise_name="" if item.enterprise_id else item.raised_by,
        ),
        idempotency_key=ITEM_KEY.format(pk=item.pk),
        now=now,
    )
    item.ticket = result.ticket
    item.converted_by = acting_user
    item.converted_at = now
    kit.save_change(item, ["ticket", "converted_by", "converted_at"])
    record(
        "outreach.event_item_converted",
        actor=acting_user,
        obj=item,
        after={"ticket": result.ticket.pk, "number": result.ticket.number},
    )
    return Converted(item, created=True)


@durable_action
def do_follow_item(*, acting_user: User, item_id: Any, note: str, now: dt.datetime) -> FollowUp:
    """跟踪问效 on a 恳谈会 item."""
    item = access_item(acting_user, item_id, for_update=True)
    _require_forums(acting_user)
    note = checks.text({"note": note}, "note", "跟踪情况", max_length=500)
    follow = FollowUp.objects.create(event_item=item, note=note, by=acting_user, at=now)
    record(
        "outreach.follow_up", actor=acting_user, obj=item, object_repr=str(item)[:200], after={"note": note}
    )
    return follow


# --- attendance ------------------------------------------------------------------------------------


@durable_action
def do_record_attendance(
    *, acting_user: User, event_id: int, data: dict[str, Any], now: dt.datetime
) -> EventAttendance:
    """签到: one person present (name, position, the enterprise they came for)."""
    event = access_event(acting_user, event_id)
    _require_forums(acting_user)
    event = kit.lock(Event, event.pk)
    name = checks.text(data, "name", "姓名", max_length=50)
    enterprise = _enterprise(data, "enterprise_id")
    if EventAttendance.objects.filter(event=event, enterprise=enterprise, name=name).exists():
        raise InvalidTransition(f"{name}已签到", code="already_attended")
    row = EventAttendance.objects.create(
        event=event,
        enterprise=enterprise,
        name=name,
        position=checks.text(data, "position", "职务", max_length=50, required=False),
        phone=checks.text(data, "phone", "联系电话", max_length=30, required=False),
        recorded_by=acting_user,
        recorded_at=now,
    )
    record("outreach.attendance_recorded", actor=acting_user, obj=event, after=_row(row))
    return row


@durable_action
def do_remove_attendance(*, acting_user: User, attendance_id: Any) -> None:
    row = EventAttendance.objects.filter(pk=_pk(attendance_id)).first()
    if row is None:
        raise NotFound()
    event = access_event(acting_user, row.event_id)
    _require_forums(acting_user)
    before = _row(row)
    row.delete()
    record("outreach.attendance_removed", actor=acting_user, obj=event, before=before)


def _row(row: EventAttendance) -> dict[str, Any]:
    return {
        "name": row.name,
        "position": row.position,
        "enterprise": row.enterprise.name if row.enterprise else "",
    }


# --- reads -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    people: int
    enterprises: int


def attendance_counts(event: Event) -> Counts:
    got = event.attendances.aggregate(
        people=Count("pk"), enterprises=Count("enterprise", distinct=True, filter=Q(enterprise__isnull=False))
    )
    return Counts(people=got["people"] or 0, enterprises=got["enterprises"] or 0)


def with_counts(qs: QuerySet[Event]) -> QuerySet[Any]:
    """Events annotated with `n_attended` (people), `n_attended_enterprises`, `n_items` and
    `n_cases` (items turned into cases)."""
    return qs.annotate(
        n_attended=Count("attendances", distinct=True),
        n_attended_enterprises=Count("attendances__enterprise", distinct=True),
        n_items=Count("items", distinct=True),
        n_cases=Count("items", filter=Q(items__ticket__isnull=False), distinct=True),
    )


def items_of(event: Event) -> list[EventItem]:
    return list(
        event.items.select_related("enterprise", "ticket", "ticket__lead_unit").prefetch_related(
            "follow_ups__by"
        )
    )


def attendance_of(event: Event) -> list[EventAttendance]:
    return list(event.attendances.select_related("enterprise").order_by("enterprise__name", "id"))


def case_origin(user: Any, ticket: Any) -> Origin | None:
    """The 恳谈会 a case came from (`tickets.origins`), for those who may see the event."""
    item = EventItem.objects.filter(ticket_id=ticket.pk).select_related("event").first()
    if item is None or not visible_events(user).filter(pk=item.event_id).exists():
        return None
    return Origin(
        label=f"恳谈会{item.get_kind_display()}",
        text=f"{item.event.theme}（{item.event.held_on:%Y-%m-%d}）",
        url=reverse("outreach:event_detail", args=[item.event_id]) + f"#item-{item.pk}",
    )
