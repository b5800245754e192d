"""Supervision orders (督办 / 催办, R14.1), their answers and reminders."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from bangban.accounts.access import unit_name
from bangban.accounts.models import User
from bangban.audit.actions import record
from bangban.core import kit
from bangban.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from bangban.core.kit import durable_action
from bangban.org.models import Unit
from bangban.tickets.access import access_ticket
from bangban.tickets.events import add_event
from bangban.tickets.notifications import unit_members
from bangban.tickets.public import cases_in
from bangban.workdays.service import due

from .. import access, workflow
from ..models import SupervisionKind, SupervisionOrder, SupervisionStatus, TaskStatus
from ._common import _check_open, _now, _tell, _text, _workdays
from .tiers import settings_row


@durable_action
def do_issue_order(
    *,
    acting_user: User,
    kind: str,
    content: str,
    ticket_id: Any = None,
    task_id: Any = None,
    workdays: Any = None,
    now: dt.datetime | None = None,
) -> SupervisionOrder:
    """A supervisor orders the unit in charge of a case (its lead unit) or of a meeting task (its
    owner) to act, with a deadline and a required written response."""
    now = _now(now)
    if not access.can_supervise(acting_user):
        raise PermissionDenied("只有营商办、市政府办公室或作风办可以下发督办单")
    if kind not in SupervisionKind.values:
        raise ValidationFailed("类型无效（督办/催办）", code="kind_invalid")
    if (ticket_id in (None, "")) == (task_id in (None, "")):
        raise ValidationFailed("请选择督办的诉求或会议任务（二选一）", code="target_required")
    content = _text(content, code="content_required", message="请填写督办要求")
    n = _workdays(workdays, default=settings_row().supervision_workdays, label="答复时限")
    ticket = task = None
    if ticket_id not in (None, ""):
        ticket = access_ticket(acting_user, ticket_id, "view", for_update=True)
        _check_open(ticket, "督办")
        if not ticket.lead_unit_id:
            raise ValidationFailed("该诉求尚未派单，没有可督办的主办单位", code="no_unit")
        unit_id = ticket.lead_unit_id
    else:
        task = kit.lock(access.visible_tasks(acting_user), task_id)
        if task.status == TaskStatus.DONE:
            raise InvalidTransition("该任务已完成，无需督办", code="task_done")
        unit_id = task.owner_unit_id
    order = SupervisionOrder.objects.create(
        kind=kind,
        ticket=ticket,
        task=task,
        unit_id=unit_id,
        content=content,
        issued_by=acting_user,
        issued_at=now,
        workdays=n,
        due_at=due(now, n).at,
    )
    after = {
        "kind": kind,
        "unit": unit_id,
        "workdays": n,
        "due_at": order.due_at,
        "content": content[:200],
    }
    if ticket is not None:
        add_event(
            ticket,
            "supervision",
            actor=acting_user,
            note=f"{SupervisionKind(kind).label}：{content}（{n} 个工作日内书面答复）",
            data={"order_id": order.pk},
            audit_after=after,
            now=now,
        )
    record("escalation.supervision_issued", actor=acting_user, obj=order, after=after)
    _tell(unit_members(unit_id), acting_user, f"{SupervisionKind(kind).label}单：请于 {n} 个工作日内书面答复",
          content, f"/escalation/supervision/{order.pk}/", f"supervision:{order.pk}")  # fmt: skip
    return order


@durable_action
def do_respond_order(
    *, acting_user: User, order_id: int, response: str, now: dt.datetime | None = None
) -> SupervisionOrder:
    now = _now(now)
    order = kit.lock(access.visible_orders(acting_user), order_id)
    if not access.unit_member(acting_user, order.unit_id):
        unit = Unit.objects.filter(pk=order.unit_id).values_list("name", flat=True).first()
        raise PermissionDenied(f"该督办单应由{unit}答复，您所在单位不能答复", code="wrong_unit")
    answered = workflow.SUPERVISION.check(
        order.status, "respond", message="该督办单已答复", code="already_answered"
    )
    order.response = _text(response, code="response_required", message="请填写书面答复", max_length=5000)
    order.status, order.responded_by, order.responded_at = answered, acting_user, now
    kit.save_change(order, ["response", "status", "responded_by", "responded_at"], bump=False)
    after = {"status": order.status, "late": now > order.due_at, "response": order.response[:200]}
    record("escalation.supervision_answered", actor=acting_user, obj=order,
           before={"status": SupervisionStatus.OPEN}, after=after)  # fmt: skip
    if order.ticket_id:
        add_event(
            cases_in([order.ticket_id]).get(),
            "supervision_answered",
            actor=acting_user,
            note=f"答复{order.get_kind_display()}：{order.response[:300]}",
            data={"order_id": order.pk},
            audit_after=after,
            now=now,
        )
    _tell([order.issued_by], acting_user, f"{order.get_kind_display()}单已答复",
          f"{unit_name(acting_user)}：{order.response[:200]}",
          f"/escalation/supervision/{order.pk}/", f"supervision:{order.pk}:answered")  # fmt: skip
    return order


def remind_open_orders(now: dt.datetime | None = None) -> int:
    """Remind the addressed unit of each open order due within a working day or overdue, once a
    day per order, whatever the number of workers (claimed rows, conditional update)."""
    now = _now(now)
    day_start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    soon = due(now, 1).at
    count = 0
    while True:
        with transaction.atomic():
            rows = list(
                SupervisionOrder.objects.select_for_update(skip_locked=True)
                .filter(status=SupervisionStatus.OPEN, due_at__lte=soon)
                .exclude(last_reminded_at__gte=day_start)
                .order_by("id")[:500]
            )
            if not rows:
                break
            ids = [o.pk for o in rows]
            SupervisionOrder.objects.filter(pk__in=ids).filter(
                Q(last_reminded_at__isnull=True) | Q(last_reminded_at__lt=day_start)
            ).update(last_reminded_at=now, reminders=F("reminders") + 1)
            for order in rows:
                late = now > order.due_at
                _tell(unit_members(order.unit_id), None,
                      f"{order.get_kind_display()}单{'已超期' if late else '即将到期'}，请尽快书面答复",
                      order.content[:200], f"/escalation/supervision/{order.pk}/",
                      f"supervision:{order.pk}:remind:{day_start:%Y%m%d}")  # fmt: skip
            record("escalation.supervision_reminded", object_type="escalation.supervisionorder",
                   object_repr=f"督办提醒：{len(ids)} 件", after={"ids": ids})  # fmt: skip
            count += len(ids)
    return count
