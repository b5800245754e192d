"""演示区划与单位数据的完整性测试。"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from bangban.org.demo_data import (
    CITY_CODE,
    REGION_LEVELS,
    REGIONS,
    ROOT_UNIT_CODE,
    SITE_LEVELS,
    UNIT_TYPES,
    UNITS,
    children_of_region,
    children_of_unit,
    county_code_of,
    government_unit_for_region,
    region_by_code,
    unit_by_code,
)

REGION_KEYS = {"code", "name", "level", "parent", "official_code"}
UNIT_KEYS = {"code", "name", "short_name", "type", "site_level", "region", "parent", "duties"}

PARENT_LEVELS: dict[str, set[str | None]] = {
    "city": {None},
    "county": {"city"},
    "zone": {"city"},
    "township": {"county", "zone"},
    "village": {"township"},
}
CODE_LENGTHS = {"city": 6, "county": 6, "zone": 6, "township": 9, "village": 12}

# 业务规则中点名的市级单位（简称）。
NAMED_CITY_UNITS = [
    "市商务局",
    "市行政审批局",
    "市工信局",
    "市民政局",
    "市工商联",
    "市营商办",
    "市作风办",
    "市司法局",
    "市市场监管局",
    "市生态环境局",
    "市应急管理局",
    "市政府办公室",
    "市纪委监委",
    "市域治理指挥中心",
    "市发展改革委",
    "市农业农村局",
]

REGIONS_BY_CODE = region_by_code()
UNITS_BY_CODE = unit_by_code()


# --- 区划 -------------------------------------------------------------------


def test_region_shape():
    for region in REGIONS:
        assert set(region) == REGION_KEYS
        assert region["level"] in REGION_LEVELS
        assert isinstance(region["official_code"], bool)
        assert region["name"]


def test_region_codes_unique():
    codes = [r["code"] for r in REGIONS]
    assert len(codes) == len(set(codes))
    assert len(REGIONS_BY_CODE) == len(REGIONS)


def test_region_codes_are_digits_of_level_length():
    for region in REGIONS:
        assert re.fullmatch(r"\d+", region["code"]), region
        assert len(region["code"]) == CODE_LENGTHS[region["level"]], region


def test_region_parents_exist_and_levels_consistent():
    roots = [r for r in REGIONS if r["parent"] is None]
    assert [r["code"] for r in roots] == [CITY_CODE]
    for region in REGIONS:
        parent = REGIONS_BY_CODE.get(region["parent"]) if region["parent"] else None
        if region["parent"] is not None:
            assert parent is not None, region
        parent_level = parent["level"] if parent else None
        assert parent_level in PARENT_LEVELS[region["level"]], region
        if region["level"] in ("township", "village"):
            assert parent is not None
            assert region["code"].startswith(parent["code"]), region


def test_official_county_codes():
    expected = {
        "321300": "宿迁市",
        "321302": "宿城区",
        "321311": "宿豫区",
        "321322": "沭阳县",
        "321323": "泗阳县",
        "321324": "泗洪县",
        "321371": "宿迁经济技术开发区",
    }
    for code, name in expected.items():
        assert REGIONS_BY_CODE[code]["name"] == name
        assert REGIONS_BY_CODE[code]["official_code"] is True


def test_local_zone_codes():
    expected = {
        "321391": "湖滨新区",
        "321392": "洋河新区",
        "321393": "苏州宿迁工业园区",
        "321394": "宿迁高新技术产业开发区",
    }
    for code, name in expected.items():
        region = REGIONS_BY_CODE[code]
        assert region["name"] == name
        assert region["level"] == "zone"
        assert region["official_code"] is False


def test_townships_and_villages_are_not_official():
    for region in REGIONS:
        if region["level"] in ("township", "village"):
            assert region["official_code"] is False


def test_township_counts():
    counts = Counter(r["parent"] for r in REGIONS if r["level"] == "township")
    for region in REGIONS:
        if region["level"] == "county":
            assert 3 <= counts[region["code"]] <= 6, region
    assert 2 <= counts["321371"] <= 3


def test_township_codes_are_sequential():
    for parent in {r["parent"] for r in REGIONS if r["level"] == "township"}:
        codes = [r["code"] for r in REGIONS if r["parent"] == parent]
        assert codes == [f"{parent}{i:03d}" for i in range(1, len(codes) + 1)]


def test_villages_under_first_township_of_each_county():
    for region in REGIONS:
        if region["level"] == "county":
            first = f"{region['code']}001"
            villages = [r for r in REGIONS if r["parent"] == first]
            assert len(villages) == 2
            assert all(v["name"].endswith(("社区", "村")) for v in villages)


def test_sibling_region_names_unique():
    seen = Counter((r["parent"], r["name"]) for r in REGIONS)
    assert max(seen.values()) == 1


# --- 单位 -------------------------------------------------------------------


def test_unit_shape():
    for unit in UNITS:
        assert set(unit) == UNIT_KEYS
        assert unit["type"] in UNIT_TYPES
        assert unit["name"] and unit["short_name"] and unit["duties"]
        assert re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", unit["code"]), unit


def test_unit_codes_and_names_unique():
    codes = [u["code"] for u in UNITS]
    assert len(codes) == len(set(codes))
    names = [u["name"] for u in UNITS]
    assert len(names) == len(set(names))
    assert len(UNITS_BY_CODE) == len(UNITS)


def test_unit_parents_exist_and_tree_has_single_root():
    roots = [u["code"] for u in UNITS if u["parent"] is None]
    assert roots == [ROOT_UNIT_CODE]
    for unit in UNITS:
        if unit["parent"] is not None:
            assert unit["parent"] in UNITS_BY_CODE, unit


def test_unit_tree_is_acyclic():
    for unit in UNITS:
        seen = set()
        current = unit
        while current["parent"] is not None:
            assert current["code"] not in seen
            seen.add(current["code"])
            current = UNITS_BY_CODE[current["parent"]]
        assert current["code"] == ROOT_UNIT_CODE


def test_every_unit_region_exists():
    for unit in UNITS:
        assert unit["region"] in REGIONS_BY_CODE, unit


def test_site_level_only_for_service_sites():
    for unit in UNITS:
        if unit["type"] == "service_site":
            assert unit["site_level"] in SITE_LEVELS, unit
        else:
            assert unit["site_level"] is None, unit


def test_unit_type_matches_region_level():
    allowed = {
        "city_department": {"city"},
        "county_government": {"county"},
        "zone_committee": {"zone"},
        "county_department": {"county", "zone"},
        "township": {"township"},
    }
    site_region_levels = {
        "city": {"city"},
        "county": {"county", "zone"},
        "township": {"township"},
        "village": {"village"},
    }
    for unit in UNITS:
        level = REGIONS_BY_CODE[unit["region"]]["level"]
        if unit["type"] == "service_site":
            assert level in site_region_levels[unit["site_level"]], unit
        else:
            assert level in allowed[unit["type"]], unit


def test_unit_parent_types():
    expected_parent_types = {
        "city_department": {"city_department"},
        "county_government": {"city_department"},
        "zone_committee": {"city_department"},
        "county_department": {"county_government", "zone_committee"},
        "township": {"county_government", "zone_committee"},
    }
    for unit in UNITS:
        if unit["parent"] is None:
            continue
        parent = UNITS_BY_CODE[unit["parent"]]
        if unit["type"] == "service_site":
            continue
        assert parent["type"] in expected_parent_types[unit["type"]], unit


def test_service_site_parent_is_government_of_region():
    for unit in UNITS:
        if unit["type"] != "service_site":
            continue
        region = REGIONS_BY_CODE[unit["region"]]
        gov_region = region["parent"] if region["level"] == "village" else region["code"]
        government = government_unit_for_region(gov_region)
        assert government is not None
        assert unit["parent"] == government["code"], unit


def test_all_named_city_units_present():
    short_names = {u["short_name"] for u in UNITS if u["type"] == "city_department"}
    missing = [name for name in NAMED_CITY_UNITS if name not in short_names]
    assert not missing


def test_city_units_are_city_region():
    for unit in UNITS:
        if unit["type"] == "city_department":
            assert unit["region"] == CITY_CODE


def test_hotline_center_runs_12345():
    center = next(u for u in UNITS if u["short_name"] == "市域治理指挥中心")
    assert center["name"] == "宿迁市市域社会治理现代化指挥中心"
    assert "12345" in center["duties"]


def test_service_sites_at_all_four_levels():
    levels = Counter(u["site_level"] for u in UNITS if u["type"] == "service_site")
    assert set(levels) == set(SITE_LEVELS)
    assert levels["city"] == 1


def test_every_region_has_government_and_site():
    sites = {(u["region"], u["site_level"]) for u in UNITS if u["type"] == "service_site"}
    for region in REGIONS:
        if region["level"] != "village":
            assert government_unit_for_region(region["code"]) is not None, region
        site_level = {"zone": "county"}.get(region["level"], region["level"])
        assert (region["code"], site_level) in sites, region


def test_government_types_per_region():
    for region in REGIONS:
        gov = government_unit_for_region(region["code"])
        if region["level"] == "village":
            assert gov is None
            continue
        assert gov is not None, region
        if region["level"] == "county":
            assert gov["type"] == "county_government"
            assert gov["name"] == f"{region['name']}人民政府"
        elif region["level"] == "zone":
            assert gov["type"] == "zone_committee"
            assert gov["name"].endswith("管理委员会")
        elif region["level"] == "township":
            assert gov["type"] == "township"
            assert gov["name"].endswith(("办事处", "人民政府"))


def test_county_departments_present_for_two_counties():
    by_region = Counter(u["region"] for u in UNITS if u["type"] == "county_department")
    assert len(by_region) >= 2
    names = {u["name"] for u in UNITS}
    assert "沭阳县行政审批局" in names
    assert "宿城区市场监督管理局" in names


# --- 辅助函数 -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "county"),
    [
        ("321300", "321300"),
        ("321322", "321322"),
        ("321322001", "321322"),
        ("321322001002", "321322"),
        ("321391002", "321391"),
    ],
)
def test_county_code_of(code, county):
    assert county_code_of(code) == county


def test_children_helpers():
    assert [r["code"] for r in children_of_region(None)] == [CITY_CODE]
    assert len(children_of_region(CITY_CODE)) == 10
    assert [u["code"] for u in children_of_unit(None)] == [ROOT_UNIT_CODE]
    assert children_of_unit(ROOT_UNIT_CODE)


def test_lookup_dicts_are_fresh():
    first = region_by_code()
    first.clear()
    assert region_by_code()
    units = unit_by_code()
    units.clear()
    assert unit_by_code()
