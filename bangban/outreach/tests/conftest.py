"""The outreach cast next to the shared world: 市商务局 and 沭阳县商务局, a chief service officer
of 沭阳县, the county's investment lead, a 市商务局 handler, a volunteer supervisor, and a
registered project of 沭阳示例纺织有限公司."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bangban.accounts.roles import Rank, Role
from bangban.conftest import World, make_user
from bangban.org.models import Unit, UnitType


class Cast:
    world: World
    commerce: Unit
    shuyang_commerce: Unit
    chief: Any
    chief_siyang: Any
    county_lead: Any
    commerce_handler: Any
    supervisor: Any


@pytest.fixture
def cast(world: World) -> Cast:
    c = Cast()
    c.world = world
    c.commerce = Unit.objects.create(
        code="city-commerce",
        name="宿迁市商务局",
        short_name="市商务局",
        type=UnitType.CITY_DEPARTMENT,
        region=world.city,
    )
    c.shuyang_commerce = Unit.objects.create(
        code="shuyang-commerce",
        name="沭阳县商务局",
        short_name="沭阳县商务局",
        type=UnitType.COUNTY_DEPARTMENT,
        region=world.shuyang,
        parent=world.shuyang_gov,
    )
    siyang_unit = world.siyang_gov
    c.chief = make_user(
        "shouxi",
        Role.CHIEF_SERVICE_OFFICER,
        unit=c.shuyang_commerce,
        full_name="首席服务员周",
        rank=Rank.ZHENG_KE,
    )
    c.chief_siyang = make_user(
        "shouxi_sq", Role.CHIEF_SERVICE_OFFICER, unit=siyang_unit, full_name="泗阳首席吴"
    )
    c.county_lead = make_user(
        "sy_commerce_head",
        Role.UNIT_HEAD,
        unit=c.shuyang_commerce,
        full_name="沭阳商务局长",
        phone="13900001111",
    )
    c.commerce_handler = make_user("city_commerce", Role.HANDLER, unit=c.commerce, full_name="市商务局承办人")
    c.supervisor = make_user(
        "jianduyuan", Role.VOLUNTEER_SUPERVISOR, full_name="监督员陈", phone="13700002222"
    )
    world.enterprise_user.phone = "13600003333"
    world.enterprise_user.save(update_fields=["phone"])
    return c


def post(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def patch(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.patch(url, json.dumps(body), content_type="application/json")


API = "/api/v1/outreach"


def new_project(client: Any, cast: Cast, **overrides: Any) -> dict[str, Any]:
    body = {
        "name": "年产10万吨功能纤维项目",
        "enterprise_id": cast.world.ent_shuyang.pk,
        "region": "321322",
        "amount": "52000",
        "stage": "approving",
        "chief_officer_id": cast.chief.pk,
    }
    body.update(overrides)
    response = post(client, f"{API}/projects", body)
    assert response.status_code == 201, response.content
    return response.json()
