"""The service network's cast on top of `world`: officers of different ranks and levels, a
市工业百强 and a county key enterprise in 沭阳县, and the managers who assign them."""

from __future__ import annotations

from typing import Any

import pytest

from bangban.accounts.roles import Rank, Role
from bangban.conftest import World, make_enterprise, make_user
from bangban.enterprises.models import Tier
from bangban.org.models import Unit, UnitType


class Net:
    world: World
    city_miit: Unit
    shuyang_miit: Unit
    shucheng_office: Unit
    city_officer: Any  # 市工信局, 副处级
    city_officer_low: Any  # 市工信局, 正科级
    county_officer: Any  # 沭阳县工信局, 副科级
    county_officer_low: Any  # 沭阳县工信局, 科员
    township_officer: Any  # 沭城街道, 科员
    siyang_officer: Any  # 泗阳县政府, 副科级
    shuyang_head: Any  # 沭阳县工信局 单位负责人
    top100: Any
    county_key: Any
    general: Any  # world.ent_shuyang
    siyang_general: Any  # world.ent_siyang


@pytest.fixture
def net(world: World) -> Net:
    n = Net()
    n.world = world
    n.city_miit = Unit.objects.create(
        code="city-miit",
        name="宿迁市工业和信息化局",
        short_name="市工信局",
        type=UnitType.CITY_DEPARTMENT,
        region=world.city,
    )
    n.shuyang_miit = Unit.objects.create(
        code="shuyang-miit",
        name="沭阳县工业和信息化局",
        short_name="沭阳县工信局",
        type=UnitType.COUNTY_DEPARTMENT,
        region=world.shuyang,
    )
    n.shucheng_office = Unit.objects.create(
        code="shucheng",
        name="沭城街道办事处",
        short_name="沭城街道",
        type=UnitType.TOWNSHIP,
        region=world.shucheng,
    )
    officer = Role.SERVICE_OFFICER
    n.city_officer = make_user(
        "officer_city", officer, unit=n.city_miit, rank=Rank.FU_CHU, full_name="沈卫国", phone="13900000001"
    )
    n.city_officer_low = make_user(
        "officer_city_low", officer, unit=n.city_miit, rank=Rank.ZHENG_KE, full_name="王科长"
    )
    n.county_officer = make_user(
        "officer_sy", officer, unit=n.shuyang_miit, rank=Rank.FU_KE, full_name="陆晓东", phone="13900000002"
    )
    n.county_officer_low = make_user(
        "officer_sy_low", officer, unit=n.shuyang_miit, rank=Rank.KEYUAN, full_name="李科员"
    )
    n.township_officer = make_user(
        "officer_town", officer, unit=n.shucheng_office, rank=Rank.KEYUAN, full_name="张干事"
    )
    n.siyang_officer = make_user(
        "officer_sq", officer, unit=world.siyang_gov, rank=Rank.FU_KE, full_name="泗阳专员"
    )
    n.shuyang_head = make_user("head_miit_sy", Role.UNIT_HEAD, unit=n.shuyang_miit, full_name="沭阳工信局长")
    n.top100 = make_enterprise("沭阳百强机械有限公司", world.shucheng, "321322", 11, tier=Tier.CITY_TOP100)
    n.county_key = make_enterprise("沭阳重点电子有限公司", world.shucheng, "321322", 12, tier=Tier.COUNTY_KEY)
    n.general = world.ent_shuyang
    n.siyang_general = world.ent_siyang
    return n
