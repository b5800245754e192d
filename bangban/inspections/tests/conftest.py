"""The inspections cast on top of `world`: the head of 市行政审批局 (the lead unit), three inspectors
with a 执法证 in it and three in 沭阳县政府 (the joining unit), and twenty more enterprises of 沭阳."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from bangban.accounts.roles import Role
from bangban.conftest import World, make_enterprise, make_user
from bangban.inspections.actions import do_save_qualification

API = "/api/v1/inspections"


class Cast:
    world: World
    head: Any  # 单位负责人, 市行政审批局
    lead_inspectors: list[Any]
    joining_inspectors: list[Any]
    enterprises: list[Any]


@pytest.fixture
def cast(world: World) -> Cast:
    c = Cast()
    c.world = world
    c.head = make_user("head_city", Role.UNIT_HEAD, unit=world.approval_bureau, full_name="审批局负责人")
    c.lead_inspectors = [
        make_user(f"insp_city{i}", Role.INSPECTOR, unit=world.approval_bureau, full_name=f"审批局执法员{i}")
        for i in range(1, 4)
    ]
    c.joining_inspectors = [
        make_user(f"insp_sy{i}", Role.INSPECTOR, unit=world.shuyang_gov, full_name=f"沭阳执法员{i}")
        for i in range(1, 4)
    ]
    now = timezone.now()
    for n, inspector in enumerate(c.lead_inspectors + c.joining_inspectors, start=1):
        do_save_qualification(
            acting_user=world.admin, inspector_id=inspector.pk, certificate=f"苏执{n:04d}", now=now
        )
    c.enterprises = [world.ent_shuyang, world.ent_siyang] + [
        make_enterprise(f"沭阳测试企业{i:02d}", world.shucheng, "321322", 100 + i) for i in range(20)
    ]
    return c


def plan_body(cast: Cast, **overrides: Any) -> dict[str, Any]:
    today = timezone.localdate()
    body: dict[str, Any] = {
        "title": "联合双随机抽查",
        "items": "审批事项事中事后监管",
        "units": [{"unit_id": cast.world.shuyang_gov.pk, "items": "安全生产检查"}],
        "ratio_a": 0,
        "ratio_b": 25,
        "ratio_c": 50,
        "ratio_d": 100,
        "team_size": 2,
        "starts_on": str(today - dt.timedelta(days=10)),
        "ends_on": str(today + dt.timedelta(days=20)),
    }
    body.update(overrides)
    return body
