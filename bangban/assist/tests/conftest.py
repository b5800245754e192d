"""The 帮办代办 cast on top of `world`: a county site of 沭阳 (its 帮办代办员 `officer`, a staff account
of 沭阳县政府), a county site of 泗阳 (`officer_siyang`), a village site of 沭阳's 沭城街道 with no
officer, and helpers that record a service and open a 代办 through the actions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from bangban.accounts.roles import Role
from bangban.assist import actions
from bangban.assist.models import Errand, ServiceRecord, Site
from bangban.conftest import World, make_region, make_user
from bangban.org.models import RegionLevel, SiteLevel

API = "/api/v1/assist"


class Cast:
    world: World
    site: Site  # 沭阳县 county site
    site_siyang: Site
    village: Site
    officer: Any
    officer_siyang: Any
    now: dt.datetime


@pytest.fixture
def cast(world: World) -> Cast:
    c = Cast()
    c.world = world
    c.now = timezone.now()
    village = make_region("321322001001", "城中社区", RegionLevel.VILLAGE, world.shucheng)
    c.officer = make_user("bangdai_sy", Role.HANDLER, unit=world.shuyang_gov, full_name="沭阳帮办员")
    c.officer_siyang = make_user("bangdai_sq", Role.HANDLER, unit=world.siyang_gov, full_name="泗阳帮办员")
    make = actions.do_create_site
    c.site = make(
        acting_user=world.biz_office,
        data=actions.SiteInput(
            name="沭阳县帮办代办窗口", level=SiteLevel.COUNTY, region="321322", unit_id=world.shuyang_gov.pk
        ),
        now=c.now,
    )
    c.site_siyang = make(
        acting_user=world.biz_office,
        data=actions.SiteInput(name="泗阳县帮办代办窗口", level=SiteLevel.COUNTY, region="321323"),
        now=c.now,
    )
    c.village = make(
        acting_user=world.biz_office,
        data=actions.SiteInput(name="城中社区帮办点", level=SiteLevel.VILLAGE, region=village.code),
        now=c.now,
    )
    start = timezone.localdate(c.now) - dt.timedelta(days=30)
    actions.do_add_to_roster(
        acting_user=world.biz_office, site_id=c.site.pk, user_id=c.officer.pk, start_on=start, now=c.now
    )
    actions.do_add_to_roster(
        acting_user=world.biz_office,
        site_id=c.site_siyang.pk,
        user_id=c.officer_siyang.pk,
        start_on=start,
        now=c.now,
    )
    return c


def record_body(cast: Cast, minutes_ago: int = 60, length: int = 30, **overrides: Any) -> dict[str, Any]:
    start = cast.now - dt.timedelta(minutes=minutes_ago)
    body: dict[str, Any] = {
        "site_id": cast.site.pk,
        "service_type": "accompany",
        "enterprise_id": cast.world.ent_shuyang.pk,
        "matter": "食品经营许可证新办",
        "started_at": start.isoformat(),
        "ended_at": (start + dt.timedelta(minutes=length)).isoformat(),
        "outcome": "done",
    }
    body.update(overrides)
    return body


def record(cast: Cast, **overrides: Any) -> ServiceRecord:
    body = record_body(cast, **overrides)
    data = actions.RecordInput(**body)
    return actions.do_record_service(acting_user=cast.officer, data=data, now=cast.now)


def errand(cast: Cast, **overrides: Any) -> Errand:
    fields: dict[str, Any] = {
        "site_id": cast.site.pk,
        "enterprise_id": cast.world.ent_shuyang.pk,
        "matter": "排污许可证申领",
        "due_on": timezone.localdate(cast.now) + dt.timedelta(days=5),
    }
    fields.update(overrides)
    return actions.do_open_errand(acting_user=cast.officer, data=actions.ErrandInput(**fields), now=cast.now)
