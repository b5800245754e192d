"""The shape rules of regions and units (R0.1), without a database."""

from __future__ import annotations

import pytest

from bangban.org import rules


@pytest.mark.parametrize(
    ("code", "level", "expected"),
    [
        ("321300", "city", None),
        ("321322", "county", None),
        ("321391", "zone", None),
        ("321322001", "township", None),
        ("321322001001", "village", None),
        ("", "county", "请填写"),
        ("32132A", "county", "只能由数字组成"),
        ("３２１３２２", "county", "只能由数字组成"),  # full-width digits are not code digits
        ("3213220", "county", "应为 6 位"),
        ("321322", "township", "应为 9 位"),
        ("321322001", "village", "应为 12 位"),
    ],
)
def test_region_code_rules(code, level, expected):
    error = rules.region_code_error(code, level)
    if expected is None:
        assert error is None
    else:
        assert error is not None and expected in error


@pytest.mark.parametrize(
    ("level", "parent_level", "ok"),
    [
        ("city", None, True),
        ("city", "city", False),
        ("county", "city", True),
        ("county", None, False),
        ("zone", "city", True),
        ("township", "county", True),
        ("township", "zone", True),
        ("township", "city", False),
        ("village", "township", True),
        ("village", "county", False),
    ],
)
def test_region_parent_levels(level, parent_level, ok):
    assert (rules.region_parent_error(level, parent_level) is None) is ok


def test_wrong_parent_level_names_the_allowed_levels():
    message = rules.region_parent_error("township", "city")
    assert message == "乡镇街道级区划的上级应为县区或功能区，不能是市"


def test_level_change_may_not_strand_sub_regions():
    assert rules.child_levels_error("county", {"township"}) is None
    message = rules.child_levels_error("township", {"township"})
    assert message is not None and "乡镇街道" in message


@pytest.mark.parametrize(
    ("unit_type", "site_level", "ok"),
    [
        ("service_site", "county", True),
        ("service_site", "", False),
        ("city_department", "", True),
        ("city_department", "city", False),
    ],
)
def test_site_level_required_exactly_for_service_sites(unit_type, site_level, ok):
    assert (rules.site_level_error(unit_type, site_level) is None) is ok


@pytest.mark.parametrize(
    ("unit_type", "site_level", "region_level", "ok"),
    [
        ("city_department", "", "city", True),
        ("city_department", "", "county", False),
        ("county_government", "", "county", True),
        ("county_government", "", "zone", False),
        ("zone_committee", "", "zone", True),
        ("county_department", "", "zone", True),
        ("township", "", "township", True),
        ("service_site", "county", "zone", True),
        ("service_site", "village", "village", True),
        ("service_site", "village", "township", False),
    ],
)
def test_unit_type_matches_region_level(unit_type, site_level, region_level, ok):
    assert (rules.unit_region_error(unit_type, site_level, region_level) is None) is ok


@pytest.mark.parametrize(
    ("code", "ok"),
    [("city-commerce", True), ("site-a1", True), ("City Commerce", False), ("市商务局", False)],
)
def test_unit_code_rules(code, ok):
    assert (rules.unit_code_error(code) is None) is ok
