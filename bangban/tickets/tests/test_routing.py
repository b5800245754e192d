"""The routing rule table suggests the responsible unit: the most specific active rule wins — an
exact category beats its ancestors, a deeper region beats a shallower one, then priority."""

from __future__ import annotations

import pytest

from bangban.org.models import Unit, UnitType
from bangban.tickets.intake import IntakeInput, do_intake_portal
from bangban.tickets.models import Category, RoutingRule
from bangban.tickets.routing import (
    RuleKey,
    category_chain,
    pick_rule,
    region_chain,
    suggest_rule,
    suggest_unit,
)

from .intake_helpers import category

# --- ranking (pure) ------------------------------------------------------------------------------


def winner(rules, categories=None, regions=None) -> int | None:
    picked = pick_rule(
        rules, CATS if categories is None else categories, REGIONS if regions is None else regions
    )
    return picked.id if picked is not None else None


CATS = [10, 11, 12]  # first, second, third level of the case's category
REGIONS = [100, 101, 102]  # city, county, township of the case's region


def test_exact_category_beats_its_ancestors():
    rules = [RuleKey(1, 10, None, 0), RuleKey(2, 12, None, 0), RuleKey(3, 11, None, 0)]
    assert winner(rules) == 2


def test_deeper_region_beats_shallower_for_the_same_category():
    rules = [RuleKey(1, 11, 100, 0), RuleKey(2, 11, 102, 0), RuleKey(3, 11, 101, 0), RuleKey(4, 11, None, 0)]
    assert winner(rules) == 2


def test_category_specificity_comes_before_region():
    rules = [RuleKey(1, 10, 102, 0), RuleKey(2, 12, None, 0)]
    assert winner(rules) == 2


def test_priority_breaks_a_tie_then_the_older_rule():
    assert winner([RuleKey(1, 11, 101, 0), RuleKey(2, 11, 101, 5)]) == 2
    assert winner([RuleKey(7, 11, 101, 0), RuleKey(3, 11, 101, 0)]) == 3


def test_rules_of_other_categories_or_regions_never_match():
    rules = [RuleKey(1, 99, None, 100), RuleKey(2, None, 999, 100)]
    assert winner(rules) is None


def test_any_category_any_region_is_the_last_resort():
    rules = [RuleKey(1, None, None, 0), RuleKey(2, None, 101, 0)]
    assert winner(rules) == 2
    assert winner([RuleKey(1, None, None, 0)], [], []) == 1


# --- against the database ------------------------------------------------------------------------


@pytest.fixture
def units(cases):
    def unit(code: str, name: str, region) -> Unit:
        return Unit.objects.create(
            code=code, name=name, short_name=name, type=UnitType.CITY_DEPARTMENT, region=region
        )

    w = cases.world
    return {
        "approval": w.approval_bureau,
        "shuyang_approval": unit("shuyang-approval-x", "沭阳县行政审批局", w.shuyang),
        "shucheng": unit("shucheng-office", "沭城街道便民服务中心", w.shucheng),
        "power": unit("power-x", "宿迁供电公司", w.city),
        "biz": w.biz_office_unit,
    }


def rule(category_path: str | None, region, unit, priority: int = 0, **fields) -> RoutingRule:
    return RoutingRule.objects.create(
        category=category(category_path) if category_path else None,
        region=region,
        unit=unit,
        priority=priority,
        **fields,
    )


def test_chains_read_the_category_parents_and_the_region_path(cases):
    third = Category.objects.select_related("parent__parent").get(path="政务服务/审批服务/审批超时限")
    assert category_chain(third) == [category("政务服务").pk, category("政务服务/审批服务").pk, third.pk]
    assert region_chain(cases.shucheng) == ["321300", "321322", "321322001"]
    assert category_chain(None) == [] and region_chain(None) == []


def test_suggests_the_most_specific_rule_of_the_table(cases, units):
    RoutingRule.objects.all().delete()
    w = cases.world
    rule("政务服务", None, units["biz"])
    rule("政务服务/审批服务", None, units["approval"])
    rule("政务服务/审批服务", w.shuyang, units["shuyang_approval"])
    third = Category.objects.select_related("parent__parent").get(path="政务服务/审批服务/审批超时限")
    # A township of 沭阳县 falls under the county rule; 泗阳县 under the city-wide one.
    assert suggest_unit(third, w.shucheng) == units["shuyang_approval"]
    assert suggest_unit(third, w.siyang) == units["approval"]
    assert suggest_unit(category("政务服务/办不成事"), w.siyang) == units["biz"]
    # A deeper region rule for the ancestor category does not beat the exact category.
    rule("政务服务", w.shucheng, units["shucheng"])
    assert suggest_unit(third, w.shucheng) == units["shuyang_approval"]
    assert suggest_unit(category("政务服务/办不成事"), w.shucheng) == units["shucheng"]


def test_inactive_rules_and_units_are_skipped(cases, units):
    RoutingRule.objects.all().delete()
    w = cases.world
    rule("要素保障", None, units["biz"])
    exact = rule("要素保障/用电用水用气/用电报装", None, units["power"])
    power = category("要素保障/用电用水用气/用电报装")
    assert suggest_unit(power, w.shucheng) == units["power"]
    RoutingRule.objects.filter(pk=exact.pk).update(is_active=False)
    assert suggest_unit(power, w.shucheng) == units["biz"]
    RoutingRule.objects.filter(pk=exact.pk).update(is_active=True)
    Unit.objects.filter(pk=units["power"].pk).update(is_active=False)
    assert suggest_unit(power, w.shucheng) == units["biz"]


def test_nothing_matches_gives_none(cases):
    RoutingRule.objects.all().delete()
    assert suggest_unit(category("税费服务"), cases.shucheng) is None
    assert suggest_rule(None, None) is None


def test_intake_stores_the_suggested_unit(cases, units):
    RoutingRule.objects.all().delete()
    rule("政务服务/审批服务", cases.world.shuyang, units["shuyang_approval"])
    ticket = do_intake_portal(
        acting_user=cases.enterprise_user,
        data=IntakeInput(
            title="审批超时", content="办理超过承诺时限", category_id=category("政务服务/审批服务").pk
        ),
    ).ticket
    assert ticket.region == cases.ent_shuyang.region  # the enterprise's region by default
    assert ticket.suggested_unit == units["shuyang_approval"]


def test_api_suggests_a_unit_by_category_and_region_codes(cases, units, login):
    RoutingRule.objects.all().delete()
    r = rule("税费服务", None, units["biz"], priority=3)
    client = login(cases.dispatcher)
    code = category("税费服务/纳税服务").code
    answer = client.get(f"/api/v1/cases/settings/suggest-unit?category={code}&region=321322001").json()
    assert answer == {"unit_code": units["biz"].code, "unit_name": units["biz"].name, "rule_id": r.pk}
    none = client.get("/api/v1/cases/settings/suggest-unit?category=01&region=321322").json()
    assert none["unit_code"] is None
    bad = client.get("/api/v1/cases/settings/suggest-unit?category=999999")
    assert bad.status_code == 400 and bad.json()["code"] == "unknown_category"
    assert (
        login(cases.enterprise_user).get("/api/v1/cases/settings/suggest-unit?category=01").status_code == 404
    )
