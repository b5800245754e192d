"""The knowledge base's cast on top of `world`: 营商办 keeps it (`world.biz_office`), a 12345 hotline
agent and a dispatcher read it, a handler and an enterprise user do not."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from bangban.accounts.roles import Role
from bangban.conftest import DEMO_NOW, World, make_user
from bangban.knowledge import actions
from bangban.knowledge.models import Entry

API = "/api/v1/knowledge"
NOW = DEMO_NOW


class Cast:
    world: World
    keeper: Any
    agent: Any
    dispatcher: Any
    handler: Any
    enterprise: Any


@pytest.fixture
def cast(world: World) -> Cast:
    c = Cast()
    c.world = world
    c.keeper = world.biz_office
    c.agent = make_user("agent_kb", Role.HOTLINE_AGENT, unit=world.biz_office_unit, full_name="热线坐席")
    c.dispatcher = make_user("dispatch_kb", Role.DISPATCHER, unit=world.biz_office_unit, full_name="派单员")
    c.handler = world.handler_shuyang
    c.enterprise = world.enterprise_user
    return c


def add(
    cast: Cast, question: str, answer: str = "标准答复内容。", *, now: dt.datetime = NOW, **fields: str
) -> Entry:
    return actions.do_create_entry(
        acting_user=cast.keeper,
        data=actions.EntryInput(question=question, answer=answer, **fields),
        now=now,
    )
