"""Coverage re-checks the rank rules on read (R3.1): an enterprise whose tier changed, or whose
officer's rank or unit changed, is a coverage gap as soon as its current officer no longer
satisfies the rule for its current tier — on the page and in the API."""

from __future__ import annotations

from typing import Any

from bangban.accounts.roles import Rank
from bangban.enterprises.models import Enterprise, Tier
from bangban.network.actions import do_assign

API = "/api/v1/network"


def gaps(client: Any) -> dict[str, tuple[str, str]]:
    body = client.get(f"{API}/coverage").json()
    return {e["name"]: (e["reason"], e["reason_label"]) for e in body["items"]}


def regions(client: Any) -> dict[str, Any]:
    return {r["region_name"]: r for r in client.get(f"{API}/coverage").json()["regions"]}


def test_promoted_enterprise_with_a_county_officer_is_not_covered(net: Any, login: Any) -> None:
    admin = net.world.admin
    do_assign(acting_user=admin, enterprise_id=net.top100.pk, officer_id=net.city_officer.pk)
    do_assign(acting_user=admin, enterprise_id=net.county_key.pk, officer_id=net.county_officer.pk)
    client = login(net.world.biz_office)
    assert gaps(client) == {}
    assert regions(client)["沭阳县"]["mismatched"] == 0

    # The county key enterprise is promoted to 市工业百强: its county 副科级 officer no longer fits.
    Enterprise.objects.filter(pk=net.county_key.pk).update(tier=Tier.CITY_TOP100)
    assert gaps(client) == {net.county_key.name: ("officer_not_city_level", "职级不符")}
    row = regions(client)["沭阳县"]
    assert row["key_total"] == 2 and row["uncovered"] == 0 and row["mismatched"] == 1

    page = client.get("/network/coverage/").content.decode()
    assert (
        net.county_key.name in page and "职级不符" in page and 'data-reason="officer_not_city_level"' in page
    )
    assert 'data-testid="mismatched-count">1<' in page


def test_officer_rank_and_unit_changes_are_rechecked(net: Any, login: Any) -> None:
    admin = net.world.admin
    do_assign(acting_user=admin, enterprise_id=net.top100.pk, officer_id=net.city_officer.pk)
    do_assign(acting_user=admin, enterprise_id=net.county_key.pk, officer_id=net.county_officer.pk)
    client = login(net.world.biz_office)

    # The city officer's rank is recorded lower: 市工业百强 needs 副处级 or above.
    type(net.city_officer).objects.filter(pk=net.city_officer.pk).update(rank=Rank.ZHENG_KE)
    assert gaps(client)[net.top100.name] == ("rank_too_low", "职级不符")

    # The county officer moves to a unit of another county: out of the enterprise's area.
    type(net.county_officer).objects.filter(pk=net.county_officer.pk).update(unit=net.world.siyang_gov)
    assert gaps(client)[net.county_key.name] == ("officer_out_of_region", "区域不符")

    # Put right again, the gaps go away; a deactivated officer is a gap too.
    type(net.city_officer).objects.filter(pk=net.city_officer.pk).update(rank=Rank.FU_CHU)
    type(net.county_officer).objects.filter(pk=net.county_officer.pk).update(unit=net.shuyang_miit)
    assert gaps(client) == {}
    type(net.city_officer).objects.filter(pk=net.city_officer.pk).update(is_active=False)
    assert gaps(client) == {net.top100.name: ("officer_inactive", "专员已停用")}


def test_county_overseer_sees_the_gaps_of_the_county_only(net: Any, login: Any) -> None:
    do_assign(acting_user=net.world.admin, enterprise_id=net.county_key.pk, officer_id=net.county_officer.pk)
    Enterprise.objects.filter(pk=net.county_key.pk).update(tier=Tier.CITY_TOP100)
    head = login(net.shuyang_head)
    assert set(gaps(head)) == {net.top100.name, net.county_key.name}
    only = head.get("/network/coverage/", {"region": "321322"}).content.decode()
    assert only.count('data-testid="uncovered-row"') == 2
