"""Shared fixtures of the case system: the `cases` cast (the `world` of bangban/conftest.py plus
the people who route and handle cases) with the default deadline policies, and `make_ticket()`
to put a case in any state directly.

Others may add fixtures at the end of this file, in a clearly separated section, without
changing the ones above it."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any

import pytest

from bangban.accounts.models import RoleRecord, User
from bangban.accounts.roles import Role
from bangban.conftest import World, make_user, reply_fields
from bangban.org.models import Unit, UnitType
from bangban.tickets.models import (
    AssignmentRole,
    Channel,
    DeadlinePolicy,
    Ticket,
    TicketAssignment,
    Urgency,
)
from bangban.tickets.workflow import Status
from bangban.workdays.arithmetic import SHANGHAI

# Tuesday 2026-09-29 10:00 in Suqian: two working days before the National Day holiday.
T0 = dt.datetime(2026, 9, 29, 10, 0, tzinfo=SHANGHAI)

# Policies as requirements.md sets them (used when bangban.tickets.defaults is not available).
_FALLBACK_POLICIES = {
    Channel.WINDOW: (0, 0, 5),
    Channel.MAYOR: (2, 5, 15),
    Channel.HOTLINE: (5, 5, 5),
}

_numbers = itertools.count(1)


def ensure_policies() -> None:
    try:
        from bangban.tickets import defaults
    except ImportError:  # pragma: no cover - only before defaults.py exists
        defaults = None  # type: ignore[assignment]
    if defaults is not None:
        defaults.ensure_defaults()
        return
    for channel in Channel:  # pragma: no cover
        days = _FALLBACK_POLICIES.get(channel, (2, 5, 15))
        for urgency, n in zip((Urgency.URGENT, Urgency.GENERAL, Urgency.COMPLEX), days, strict=True):
            DeadlinePolicy.objects.get_or_create(
                channel=channel,
                urgency=urgency,
                defaults={"workdays": n, "warn_workdays": 1, "max_extensions": 1},
            )


def make_ticket(**fields: Any) -> Ticket:
    """A case row as it would be after intake (status 待派单), or in any state given by `fields`.
    With `lead_unit` and a status past dispatch, the active lead assignment is created too."""
    seq = next(_numbers)
    fields.setdefault("number", f"TS-{fields.get('received_at', T0):%Y%m%d}-{seq:05d}")
    fields.setdefault("channel", Channel.PORTAL)
    fields.setdefault("urgency", Urgency.GENERAL)
    fields.setdefault("title", f"测试诉求{seq}")
    fields.setdefault("content", "企业反映的问题内容。")
    fields.setdefault("received_at", T0)
    ticket = Ticket.objects.create(**fields)
    if ticket.lead_unit_id and ticket.status not in (Status.PENDING_DISPATCH, Status.WITHDRAWN):
        TicketAssignment.objects.create(
            ticket=ticket,
            unit_id=ticket.lead_unit_id,
            role=AssignmentRole.LEAD,
            assigned_at=ticket.dispatched_at or ticket.received_at,
        )
    return ticket


@dataclass
class Cases:
    """The `world` cast plus: a city dispatcher (12345 指挥中心), a dispatcher of 沭阳县, the heads
    of the two county governments, a second handler of 沭阳县 and a hotline agent."""

    world: World
    center: Unit
    dispatcher: User
    county_dispatcher: User
    head_shuyang: User
    head_siyang: User
    handler_shuyang2: User
    hotline_agent: User

    def __getattr__(self, name: str) -> Any:
        return getattr(self.world, name)

    def new(self, **fields: Any) -> Ticket:
        """A case of 沭阳示例纺织 filed by its enterprise user on the portal."""
        fields.setdefault("enterprise", self.world.ent_shuyang)
        fields.setdefault("region", self.world.shucheng)
        fields.setdefault("submitter", self.world.enterprise_user)
        return make_ticket(**fields)

    def dispatched(self, now: dt.datetime = T0, **fields: Any) -> Ticket:
        from bangban.tickets.actions import do_dispatch

        ticket = self.new(**fields)
        return do_dispatch(
            acting_user=self.dispatcher, ticket_id=ticket.pk, lead_unit_id=self.world.shuyang_gov.pk, now=now
        )

    def in_progress(self, now: dt.datetime = T0, **fields: Any) -> Ticket:
        from bangban.tickets.actions import do_accept

        ticket = self.dispatched(now=now, **fields)
        return do_accept(acting_user=self.world.handler_shuyang, ticket_id=ticket.pk, now=now)

    def replied(self, now: dt.datetime = T0, **fields: Any) -> Ticket:
        from bangban.tickets.actions import do_approve_reply, do_submit_reply

        ticket = self.in_progress(now=now, **fields)
        do_submit_reply(
            acting_user=self.world.handler_shuyang,
            ticket_id=ticket.pk,
            content="已协调解决。",
            now=now,
            **reply_fields(now),
        )
        return do_approve_reply(acting_user=self.head_shuyang, ticket_id=ticket.pk, now=now)


def _ensure_roles(world: World) -> None:
    """The role rows come from a data migration, which a transactional test's flush removes;
    put them back (and the world's users' roles) so that tests with `transaction=True` work."""
    if RoleRecord.objects.count() == len(Role):
        return
    for role in Role:
        RoleRecord.objects.get_or_create(code=role.value)
    cast = {
        world.admin: Role.ADMIN,
        world.biz_office: Role.BIZ_OFFICE,
        world.auditor: Role.AUDITOR,
        world.handler_shuyang: Role.HANDLER,
        world.handler_siyang: Role.HANDLER,
        world.city_handler: Role.HANDLER,
        world.enterprise_user: Role.ENTERPRISE,
    }
    for user, role in cast.items():
        if not user.roles.exists():
            user.roles.set(RoleRecord.objects.filter(code=role))
            user.__dict__.pop("_role_codes", None)


@pytest.fixture
def cases(world: World) -> Cases:
    _ensure_roles(world)
    ensure_policies()
    center = Unit.objects.create(
        code="12345-center",
        name="宿迁市市域社会治理现代化指挥中心",
        short_name="市指挥中心",
        type=UnitType.CITY_DEPARTMENT,
        region=world.city,
    )
    return Cases(
        world=world,
        center=center,
        dispatcher=make_user("dispatcher", Role.DISPATCHER, unit=center, full_name="市派单员"),
        county_dispatcher=make_user(
            "dispatcher_sy", Role.DISPATCHER, unit=world.shuyang_gov, full_name="沭阳派单员"
        ),
        head_shuyang=make_user(
            "head_sy", Role.UNIT_HEAD, Role.HANDLER, unit=world.shuyang_gov, full_name="沭阳县政府负责人"
        ),
        head_siyang=make_user(
            "head_sq", Role.UNIT_HEAD, Role.HANDLER, unit=world.siyang_gov, full_name="泗阳县政府负责人"
        ),
        handler_shuyang2=make_user(
            "handler_sy2", Role.HANDLER, unit=world.shuyang_gov, full_name="沭阳承办人二"
        ),
        hotline_agent=make_user("agent", Role.HOTLINE_AGENT, unit=center, full_name="热线坐席"),
    )
