"""The unit type-ahead (issue 17, item 5): `GET /api/v1/org/units?q=` finds units by name, short
name and pinyin initials in order (「sysp」 → 沭阳县行政审批局), listed region by region; the initials
follow a renamed unit."""

from __future__ import annotations

import pytest

from bangban.org.actions import do_update_unit
from bangban.org.models import Unit, UnitType
from bangban.org.pinyin import initials, is_initials_query


def test_initials_of_a_unit_name():
    assert initials("沭阳县行政审批局") == "syxxzspj"
    assert initials("12345热线") == "12345rx"
    assert is_initials_query("SYSP") and not is_initials_query("审批") and not is_initials_query("s")


@pytest.fixture
def approval(world):
    return Unit.objects.create(
        code="shuyang-approval",
        name="沭阳县行政审批局",
        short_name="沭阳审批局",
        type=UnitType.COUNTY_DEPARTMENT,
        region=world.shuyang,
    )


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [u["name"] for u in response.json()["items"]]


def test_pinyin_initials_find_the_unit(world, login, approval):
    client = login(world.admin)
    assert names(client.get("/api/v1/org/units", {"q": "sysp"})) == ["沭阳县行政审批局"]
    assert names(client.get("/api/v1/org/units", {"q": "SYSPJ"})) == ["沭阳县行政审批局"]
    assert "沭阳县行政审批局" in names(client.get("/api/v1/org/units", {"q": "审批"}))
    assert "沭阳县行政审批局" in names(client.get("/api/v1/org/units", {"q": "沭阳审批"}))
    assert names(client.get("/api/v1/org/units", {"q": "qqqq"})) == []
    # The letters must be in one name: not the end of the name and the start of the short name.
    assert names(client.get("/api/v1/org/units", {"q": "jsy"})) == []


def test_results_come_region_by_region(world, login, approval):
    Unit.objects.create(
        code="siyang-approval", name="泗阳县行政审批局", type=UnitType.COUNTY_DEPARTMENT, region=world.siyang
    )
    items = login(world.admin).get("/api/v1/org/units", {"q": "xzspj"}).json()["items"]
    assert {u["name"] for u in items} == {"宿迁市行政审批局", "沭阳县行政审批局", "泗阳县行政审批局"}
    # The city's unit first, then each county's: one region after another, in the tree's order.
    assert items[0]["name"] == "宿迁市行政审批局"
    assert [u["region"] for u in items[1:]] == sorted(u["region"] for u in items[1:])


def test_a_renamed_unit_is_found_by_its_new_initials(world, login, approval):
    do_update_unit(acting_user=world.admin, unit_id=approval.pk, changes={"name": "沭阳县数据局"})
    client = login(world.admin)
    assert names(client.get("/api/v1/org/units", {"q": "sysjj"})) == ["沭阳县数据局"]
    assert names(client.get("/api/v1/org/units", {"q": "syxxzspj"})) == []
