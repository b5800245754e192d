from __future__ import annotations

from typing import Any

import pytest

from bangban.conftest import make_region
from bangban.org.models import Unit, UnitType


@pytest.fixture
def org(world: Any) -> Any:
    """The world plus a village under 沭城街道 and a service site, for tree and site tests."""
    world.village = make_region("321322001001", "城中社区", "village", world.shucheng)
    world.site = Unit.objects.create(
        code="site-shuyang",
        name="沭阳县政务服务中心",
        short_name="沭阳县政务服务中心",
        type=UnitType.SERVICE_SITE,
        site_level="county",
        region=world.shuyang,
        parent=world.shuyang_gov,
    )
    return world
