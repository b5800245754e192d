"""EnterpriseFilter: parsing, validation and scoping (shared by the page, the export and the API)."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from bangban.conftest import make_enterprise
from bangban.core.errors import ValidationFailed
from bangban.enterprises.filters import EnterpriseFilter
from bangban.enterprises.models import Scale, Tier


def names(f: EnterpriseFilter) -> set[str]:
    return set(f.apply().values_list("name", flat=True))


def test_no_filter_is_the_visible_set(world):
    assert names(EnterpriseFilter({}, world.admin)) == {"沭阳示例纺织有限公司", "泗阳示例食品有限公司"}
    assert names(EnterpriseFilter(None, world.handler_siyang)) == {"泗阳示例食品有限公司"}


def test_reads_a_querydict_and_combines_conditions(world):
    make_enterprise("泗阳大型有限公司", world.siyang, "321323", 30, scale=Scale.LARGE, tier=Tier.COUNTY_KEY)
    f = EnterpriseFilter(QueryDict("region=321323&scale=large&tier=county_key&q=大型"), world.admin)
    assert f.is_valid
    assert names(f) == {"泗阳大型有限公司"}
    assert f.as_params() == {"q": "大型", "region": "321323", "tier": "county_key", "scale": "large"}


def test_uscc_search_ignores_case_and_spaces(world):
    part = world.ent_siyang.uscc[4:12]
    f = EnterpriseFilter({"q": " ".join(part.lower())}, world.admin)
    assert names(f) == {"泗阳示例食品有限公司"}


def test_is_active(world):
    world.ent_siyang.is_active = False
    world.ent_siyang.save()
    assert names(EnterpriseFilter({"is_active": "0"}, world.admin)) == {"泗阳示例食品有限公司"}
    assert names(EnterpriseFilter({"is_active": "true"}, world.admin)) == {"沭阳示例纺织有限公司"}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"tier": "top"}, "tier"),
        ({"industry": "Z"}, "industry"),
        ({"scale": "大型"}, "scale"),
        ({"is_active": "maybe"}, "is_active"),
        ({"region": "000000"}, "region"),
        ({"q": "x" * 101}, "q"),
    ],
)
def test_bad_values_are_reported_and_ignored(world, params, field):
    f = EnterpriseFilter(params, world.admin)
    assert set(f.errors) == {field}
    assert names(f) == {"沭阳示例纺织有限公司", "泗阳示例食品有限公司"}
    with pytest.raises(ValidationFailed) as info:
        f.raise_for_errors()
    assert info.value.code == "invalid_filter"


def test_a_region_outside_the_scope_never_widens_it(world):
    f = EnterpriseFilter({"region": "321323"}, world.handler_shuyang)
    assert "region" in f.errors
    assert names(f) == {"沭阳示例纺织有限公司"}
    f = EnterpriseFilter({"region": "321300"}, world.handler_shuyang)
    assert "region" in f.errors


def test_enterprise_user_cannot_filter_its_way_out(world):
    f = EnterpriseFilter({"q": "泗阳"}, world.enterprise_user)
    assert names(f) == set()


def test_a_complete_code_finds_exactly_its_enterprise(world):
    f = EnterpriseFilter({"q": world.ent_siyang.uscc.lower()}, world.admin)
    assert names(f) == {"泗阳示例食品有限公司"}
    assert names(EnterpriseFilter({"q": "示例"}, world.admin)) == {
        "沭阳示例纺织有限公司",
        "泗阳示例食品有限公司",
    }
