"""The leniency cast on top of `world`: 司法局 (in 市司法局), an inspector of 沭阳县政府 and one of
泗阳县政府, a unit head of 沭阳, and the demo catalogue imported through the actions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from bangban.accounts.roles import Role
from bangban.conftest import World, make_user
from bangban.leniency import actions
from bangban.leniency.demo import CATALOGUE, FIRST, catalogue_file
from bangban.leniency.models import CatalogueItem
from bangban.org.models import Unit, UnitType

API = "/api/v1/leniency"


class Cast:
    world: World
    justice: Unit
    sifa: Any
    inspector: Any  # 执法人员, 沭阳县政府
    inspector_siyang: Any  # 执法人员, 泗阳县政府
    head: Any  # 单位负责人, 沭阳县政府
    items: dict[str, CatalogueItem]


def catalogue_rows(world: World) -> list[tuple[str, ...]]:
    """The demo catalogue with every item given to a unit of the test world."""
    return [(*row[:7], world.shuyang_gov.name) for row in CATALOGUE]


@pytest.fixture
def cast(world: World) -> Cast:
    c = Cast()
    c.world = world
    c.justice = Unit.objects.create(
        code="city-justice", name="宿迁市司法局", short_name="市司法局", region=world.biz_office_unit.region,
        type=UnitType.CITY_DEPARTMENT,
    )  # fmt: skip
    c.sifa = make_user("sifa", Role.LEGAL_OVERSIGHT, unit=c.justice, full_name="司法局陆科长")
    c.inspector = make_user("zhifa_sy", Role.INSPECTOR, unit=world.shuyang_gov, full_name="沭阳执法员")
    c.inspector_siyang = make_user("zhifa_sq", Role.INSPECTOR, unit=world.siyang_gov, full_name="泗阳执法员")
    c.head = make_user("head_sy", Role.UNIT_HEAD, unit=world.shuyang_gov, full_name="沭阳负责人")
    now = timezone.now() - dt.timedelta(days=1)
    batch = actions.do_preview_catalogue_import(
        acting_user=c.sifa, uploaded_file=catalogue_file(catalogue_rows(world)), now=now
    )
    actions.do_apply_catalogue_import(acting_user=c.sifa, import_id=batch.pk, now=now)
    c.items = {i.code: i for i in CatalogueItem.objects.filter(is_current=True)}
    return c


def case_body(cast: Cast, code: str = "SC-01", **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "enterprise_id": cast.world.ent_shuyang.pk,
        "item_id": cast.items[code].pk,
        "case_date": timezone.localdate().isoformat(),
        "facts": dict(FIRST),
        "narrative": "未按期公示年度报告，责令后已补报。",
    }
    body.update(overrides)
    return body
