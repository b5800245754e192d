"""演示企业数据生成的测试。"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pytest

from bangban.enterprises.demo_data import (
    BLOCKED_BRANDS,
    GBT4754_SECTIONS,
    SCALE_LABELS,
    SCALES,
    TIER_LABELS,
    TIERS,
    generate_enterprises,
)
from bangban.enterprises.uscc import parse_uscc, validate_uscc
from bangban.org.demo_data import county_code_of, region_by_code

KEYS = {
    "uscc",
    "name",
    "region",
    "industry",
    "scale",
    "tier",
    "liaison_name",
    "liaison_phone",
    "legal_representative",
    "address",
    "established",
}

REGIONS = region_by_code()


@pytest.fixture(scope="module")
def enterprises():
    return generate_enterprises()


def test_sections_table():
    letters = [letter for letter, _ in GBT4754_SECTIONS]
    assert letters == [chr(c) for c in range(ord("A"), ord("T") + 1)]
    names = dict(GBT4754_SECTIONS)
    assert names["A"] == "农、林、牧、渔业"
    assert names["C"] == "制造业"
    assert names["I"] == "信息传输、软件和信息技术服务业"
    assert names["T"] == "国际组织"
    assert len(set(names.values())) == 20


def test_labels():
    assert set(SCALE_LABELS) == set(SCALES)
    assert SCALE_LABELS["micro"] == "微型"
    assert set(TIER_LABELS) == set(TIERS)
    assert TIER_LABELS["city_top100"] == "市工业百强"


def test_default_count_and_keys(enterprises):
    assert len(enterprises) == 320
    for item in enterprises:
        assert set(item) == KEYS


@pytest.mark.parametrize("count", [0, 1, 100, 150, 500])
def test_count_parameter(count):
    items = generate_enterprises(count=count, seed=7)
    assert len(items) == count
    tiers = Counter(e["tier"] for e in items)
    assert tiers["city_top100"] == min(100, count)
    assert tiers["county_key"] == min(60, max(0, count - 100))


def test_negative_count_rejected():
    with pytest.raises(ValueError):
        generate_enterprises(count=-1)


def test_exactly_100_city_top100(enterprises):
    tiers = Counter(e["tier"] for e in enterprises)
    assert tiers["city_top100"] == 100
    assert 50 <= tiers["county_key"] <= 70
    assert tiers["general"] == 320 - tiers["city_top100"] - tiers["county_key"]
    assert set(tiers) == set(TIERS)


def test_top100_mostly_large_manufacturing(enterprises):
    top = [e for e in enterprises if e["tier"] == "city_top100"]
    manufacturing = sum(e["industry"] == "C" for e in top)
    assert manufacturing >= 70
    big = sum(e["scale"] in ("large", "medium") for e in top)
    assert big >= 80
    assert not any(e["scale"] == "micro" for e in top)


def test_uscc_valid_unique_and_consistent(enterprises):
    codes = [e["uscc"] for e in enterprises]
    assert len(codes) == len(set(codes))
    for item in enterprises:
        code = item["uscc"]
        assert validate_uscc(code) == code
        parts = parse_uscc(code)
        assert parts.authority == "9"
        assert parts.organization_type == "1"
        assert parts.region_code == county_code_of(item["region"])


def test_subject_code_follows_establishment_date(enterprises):
    for item in enterprises:
        subject = item["uscc"][8:17]
        if item["established"] >= dt.date(2015, 10, 1):
            assert subject.startswith("MA")
        else:
            assert subject[:8].isdigit()


def test_names_unique_and_well_formed(enterprises):
    names = [e["name"] for e in enterprises]
    assert len(names) == len(set(names))
    for name in names:
        assert name.endswith(("有限公司", "有限责任公司"))
        assert name.startswith(("宿迁", "江苏", "沭阳", "泗阳", "泗洪"))
        for brand in BLOCKED_BRANDS:
            assert brand not in name


def test_no_real_company_names(enterprises):
    names = {e["name"] for e in enterprises}
    for real in ("江苏洋河酒厂股份有限公司", "江苏双沟酒业股份有限公司"):
        assert real not in names


def test_regions_exist_and_are_county_or_township(enterprises):
    for item in enterprises:
        region = REGIONS[item["region"]]
        assert region["level"] in ("county", "zone", "township")


def test_address_in_region(enterprises):
    for item in enterprises:
        region = REGIONS[item["region"]]
        county = REGIONS[county_code_of(item["region"])]
        assert item["address"].startswith("江苏省宿迁市" + county["name"])
        assert region["name"] in item["address"]
        assert re.search(r"\d+号$", item["address"])


def test_industry_letters_weighted_to_manufacturing(enterprises):
    letters = {letter for letter, _ in GBT4754_SECTIONS}
    counts = Counter(e["industry"] for e in enterprises)
    assert set(counts) <= letters
    assert counts.most_common(1)[0][0] == "C"
    assert counts["C"] > len(enterprises) * 0.4
    assert len(counts) >= 8


def test_scales(enterprises):
    counts = Counter(e["scale"] for e in enterprises)
    assert set(counts) == set(SCALES)


def test_people_and_phones(enterprises):
    phones = [e["liaison_phone"] for e in enterprises]
    assert len(phones) == len(set(phones))
    for item in enterprises:
        assert re.fullmatch(r"1(3|5|8|9)\d{9}", item["liaison_phone"])
        for key in ("liaison_name", "legal_representative"):
            assert re.fullmatch(r"[\u4e00-\u9fff]{2,3}", item[key])
        assert item["liaison_name"] != item["legal_representative"]


def test_established_dates(enterprises):
    for item in enterprises:
        assert type(item["established"]) is dt.date
        assert dt.date(1996, 1, 1) <= item["established"] <= dt.date(2024, 12, 31)


def test_deterministic():
    assert generate_enterprises() == generate_enterprises()
    assert generate_enterprises(50, seed=1) == generate_enterprises(50, seed=1)


def test_seed_changes_output():
    first = generate_enterprises(seed=1)
    second = generate_enterprises(seed=2)
    assert [e["uscc"] for e in first] != [e["uscc"] for e in second]


def test_large_count_stays_unique():
    big = generate_enterprises(count=1000, seed=99)
    assert len({e["name"] for e in big}) == 1000
    assert len({e["uscc"] for e in big}) == 1000
