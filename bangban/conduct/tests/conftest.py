"""The conduct cast on top of `world`: 作风办, an inspector of 沭阳县政府 and one of 泗阳县政府, the
user of 泗阳's enterprise, and the first 负面清单 in force."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from bangban.accounts.roles import Role
from bangban.conduct.actions import do_publish_negative_list
from bangban.conduct.demo import FIRST_LIST
from bangban.conftest import World, make_user

API = "/api/v1/conduct"


class Cast:
    world: World
    zuofeng: Any
    inspector: Any  # 执法人员, 沭阳县政府
    inspector_siyang: Any  # 执法人员, 泗阳县政府
    enterprise_other: Any  # the user of 泗阳示例食品有限公司
    items: dict[str, Any]


@pytest.fixture
def cast(world: World) -> Cast:
    c = Cast()
    c.world = world
    c.zuofeng = make_user(
        "zuofeng", Role.CONDUCT_OFFICE, unit=world.biz_office_unit, full_name="作风办蒋科长"
    )
    c.inspector = make_user("zhifa_sy", Role.INSPECTOR, unit=world.shuyang_gov, full_name="沭阳执法员")
    c.inspector_siyang = make_user("zhifa_sq", Role.INSPECTOR, unit=world.siyang_gov, full_name="泗阳执法员")
    c.enterprise_other = make_user(
        "ent_sq", Role.ENTERPRISE, enterprise=world.ent_siyang, full_name="泗阳企业用户"
    )
    now = timezone.now()
    version = do_publish_negative_list(
        acting_user=c.zuofeng,
        title="干扰企业生产经营负面清单",
        effective_from=timezone.localdate(now),
        items=[{"code": code, "title": t, "description": d} for code, t, d in FIRST_LIST],
        now=now,
    )
    c.items = {i.code: i for i in version.items.all()}
    return c


def entry_body(enterprise_id: int | None, **overrides: Any) -> dict[str, Any]:
    body = {
        "enterprise_id": enterprise_id,
        "purpose": "inspection",
        "description": "安全生产例行检查",
        "legal_basis": "《安全生产法》第六十五条",
        "task_number": "SY-2026-001",
    }
    body.update(overrides)
    return body
