"""Cases for supervision tests, written straight into the table with the timestamps a month's
figures read (the lifecycle itself is tested in the tickets app)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest

from bangban.tickets.models import Channel, FollowUp, Ticket
from bangban.workdays.arithmetic import SHANGHAI

_serial = itertools.count(1)


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def make_case(unit: Any, received: str, **fields: Any) -> Ticket:
    n = next(_serial)
    received_at = at(received)
    defaults: dict[str, Any] = {
        "number": f"RX-T{n:06d}",
        "channel": Channel.HOTLINE,
        "title": f"测试诉求{n}",
        "content": "内容",
        "received_at": received_at,
        "lead_unit": unit,
        "status": "in_progress",
        "region": unit.region if unit is not None else None,
    }
    follow_up = fields.pop("follow_up", None)
    for key in ("dispatched_at", "accepted_at", "closed_at", "due_at", "overdue_at"):
        if isinstance(fields.get(key), str):
            fields[key] = at(fields[key])
    defaults.update(fields)
    ticket = Ticket.objects.create(**defaults)
    if follow_up is not None:
        resolved, level = follow_up
        FollowUp.objects.create(
            ticket=ticket,
            at=received_at + dt.timedelta(days=5),
            method="phone",
            resolved=resolved,
            satisfaction=level,
        )
    return ticket


@pytest.fixture(autouse=True)
def _after_october(demo_clock: dt.datetime) -> dt.datetime:
    """Supervision tests rank, freeze and report on October 2026, which must be over: they run
    on the clock of `DEMO_NOW` (18 November 2026), whatever the day."""
    return demo_clock


@pytest.fixture
def october(world: Any) -> dict[str, Ticket]:
    """October 2026 for 市行政审批局 (3 cases) and 沭阳县政府 (2 cases)."""
    bureau, shuyang = world.approval_bureau, world.shuyang_gov
    return {
        "good": make_case(
            bureau,
            "2026-10-09 09:00",
            dispatched_at="2026-10-09 10:00",
            accepted_at="2026-10-09 12:00",
            due_at="2026-10-16 23:59:59",
            closed_at="2026-10-14 10:00",
            status="closed",
            follow_up=(True, 1),
        ),
        "late": make_case(
            bureau,
            "2026-10-12 09:00",
            dispatched_at="2026-10-12 10:00",
            accepted_at="2026-10-13 16:00",
            due_at="2026-10-19 23:59:59",
            closed_at="2026-10-21 10:00",
            overdue_at="2026-10-20 00:00",
            status="closed",
            follow_up=(False, 5),
        ),
        "waiting": make_case(
            bureau, "2026-10-20 09:00", dispatched_at="2026-10-20 10:00", is_repeat=True, status="dispatched"
        ),
        "sy1": make_case(
            shuyang,
            "2026-10-10 09:00",
            dispatched_at="2026-10-10 10:00",
            accepted_at="2026-10-10 11:00",
            due_at="2026-10-20 23:59:59",
            closed_at="2026-10-15 10:00",
            status="closed",
            follow_up=(True, 2),
        ),
        "sy2": make_case(
            shuyang,
            "2026-10-11 09:00",
            dispatched_at="2026-10-11 10:00",
            accepted_at="2026-10-11 11:00",
            due_at="2026-10-20 23:59:59",
            follow_up=(True, 3),
        ),
    }
