"""Helpers for the tests of the work pages, queries, exports and read API: the people of the case
system beyond the shared cast (dispatchers, unit heads) and cases made straight in the database in
any status, so a list can be tested without walking every case through its lifecycle."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from bangban.accounts.models import User
from bangban.accounts.roles import Role
from bangban.conftest import World, make_user
from bangban.tickets.models import (
    AssignmentRole,
    Category,
    Channel,
    Ticket,
    TicketAssignment,
    TicketEvent,
    Visibility,
)
from bangban.tickets.workflow import Status

_numbers = itertools.count(1)


@dataclass
class Cast:
    dispatcher: User  # a dispatcher of the city: sees and routes every case
    county_dispatcher: User  # a dispatcher of 沭阳县: the county's cases only
    head_shuyang: User  # the unit head of 沭阳县政府
    handler_shuyang: User
    handler_siyang: User
    city_handler: User
    enterprise_user: User


def make_cast(world: World) -> Cast:
    return Cast(
        dispatcher=make_user("dispatcher", Role.DISPATCHER, unit=world.biz_office_unit, full_name="市派单员"),
        county_dispatcher=make_user(
            "dispatcher_sy", Role.DISPATCHER, unit=world.shuyang_gov, full_name="沭阳派单员"
        ),
        head_shuyang=make_user("head_sy", Role.UNIT_HEAD, unit=world.shuyang_gov, full_name="沭阳负责人"),
        handler_shuyang=world.handler_shuyang,
        handler_siyang=world.handler_siyang,
        city_handler=world.city_handler,
        enterprise_user=world.enterprise_user,
    )


def make_category(code: str, name: str, parent: Category | None = None) -> Category:
    return Category.objects.create(
        code=code,
        name=name,
        parent=parent,
        level=(parent.level + 1) if parent else 1,
        path=f"{parent.path}/{name}" if parent else name,
    )


def make_ticket(
    world: World,
    *,
    status: str = Status.PENDING_DISPATCH,
    lead_unit: Any = None,
    co_units: tuple[Any, ...] = (),
    enterprise: Any = "default",
    received_at: dt.datetime | None = None,
    due_in: dt.timedelta | None = None,
    warn_in: dt.timedelta | None = None,
    now: dt.datetime | None = None,
    **fields: Any,
) -> Ticket:
    """A case in any status. `due_in` / `warn_in` place the deadline relative to `now` (negative:
    already passed); a dispatched case gets its lead (and co) assignments."""
    now = now or timezone.now()
    seq = next(_numbers)
    received = received_at or now - dt.timedelta(days=3)
    due_at = now + due_in if due_in is not None else None
    warn_at = now + warn_in if warn_in is not None else (due_at - dt.timedelta(days=1) if due_at else None)
    ticket = Ticket.objects.create(
        number=fields.pop("number", f"QY-{timezone.localtime(received):%Y%m%d}-{seq:04d}"),
        channel=fields.pop("channel", Channel.PORTAL),
        title=fields.pop("title", f"测试诉求{seq}"),
        content=fields.pop("content", "企业反映的问题内容"),
        enterprise=world.ent_shuyang if enterprise == "default" else enterprise,
        region=fields.pop("region", world.shucheng),
        status=status,
        lead_unit=lead_unit,
        received_at=received,
        dispatched_at=fields.pop("dispatched_at", received if lead_unit else None),
        due_at=due_at,
        warn_at=warn_at,
        deadline_start=received if due_at else None,
        workdays_allowed=5 if due_at else None,
        **fields,
    )
    if lead_unit is not None:
        TicketAssignment.objects.create(
            ticket=ticket, unit=lead_unit, role=AssignmentRole.LEAD, assigned_at=received
        )
    for unit in co_units:
        TicketAssignment.objects.create(
            ticket=ticket, unit=unit, role=AssignmentRole.CO, assigned_at=received
        )
    return ticket


def add_event(ticket: Ticket, kind: str, note: str, *, public: bool, actor: Any = None) -> TicketEvent:
    return TicketEvent.objects.create(
        ticket=ticket,
        at=timezone.now(),
        actor=actor,
        actor_name=getattr(actor, "display_name", "系统"),
        actor_unit_id=getattr(actor, "unit_id", None),
        kind=kind,
        note=note,
        visibility=Visibility.PUBLIC if public else Visibility.INTERNAL,
    )
