"""Fixtures of ratings: the case cast of bangban/tickets/tests, a service site with a window."""

from __future__ import annotations

from typing import Any

import pytest

from bangban.org.models import SiteLevel, Unit, UnitType
from bangban.ratings import actions
from bangban.tickets.tests.conftest import T0, Cases, cases, make_ticket

__all__ = ["T0", "Cases", "cases", "make_ticket"]


@pytest.fixture(autouse=True)
def _fresh_caches() -> Any:
    actions.forget_caches()
    yield
    actions.forget_caches()


@pytest.fixture
def site(world: Any) -> Unit:
    return Unit.objects.create(
        code="shuyang-hall",
        name="沭阳县政务服务中心",
        short_name="沭阳政务服务中心",
        type=UnitType.SERVICE_SITE,
        site_level=SiteLevel.COUNTY,
        region=world.shuyang,
    )


@pytest.fixture
def window(world: Any, site: Unit) -> Any:
    return actions.do_create_window(
        acting_user=world.biz_office, site_id=site.pk, code="A01", name="企业开办窗口"
    )
