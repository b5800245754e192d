"""Value rules shared by the form, the API and the import (pure, no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from bangban.enterprises.validation import (
    FieldError,
    clean_fields,
    parse_date,
    parse_id_number,
    parse_industry,
    parse_mobile,
    parse_phone,
    parse_scale,
    parse_text,
    parse_tier,
    parse_uscc,
)

TODAY = dt.date(2026, 5, 1)


def error_of(fn, *args, **kwargs) -> FieldError:
    with pytest.raises(FieldError) as info:
        fn(*args, **kwargs)
    return info.value


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("C", "C"),
        ("c", "C"),
        (" 制造业 ", "C"),
        ("C 制造业", "C"),
        ("C制造业", "C"),
        ("Ｉ", "I"),
        ("国际组织", "T"),
    ],
)
def test_industry_accepts_letters_and_names(raw, expected):
    assert parse_industry(raw) == expected


@pytest.mark.parametrize("raw", ["U", "Z", "制造", "C 采矿业", "12"])
def test_industry_rejects_other_values(raw):
    assert error_of(parse_industry, raw).code == "invalid_industry"


def test_industry_empty():
    assert error_of(parse_industry, None).code == "industry_required"


def test_scale_and_tier():
    assert parse_scale("大型") == "large"
    assert parse_scale("微型企业") == "micro"
    assert parse_scale("Small") == "small"
    assert error_of(parse_scale, "特大型").message == "企业规模“特大型”无效，应为 大型、中型、小型 或 微型"
    assert parse_tier("市工业百强") == "city_top100"
    assert parse_tier("一般企业") == "general"
    assert parse_tier("county_key") == "county_key"
    assert error_of(parse_tier, "省重点").code == "invalid_tier"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13812345678", "13812345678"),
        (13812345678, "13812345678"),
        (13812345678.0, "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("+86 138-1234-5678", "13812345678"),
        ("", ""),
        (None, ""),
    ],
)
def test_mobile_numbers(raw, expected):
    assert parse_mobile(raw) == expected


@pytest.mark.parametrize("raw", ["1234", "23812345678", "1381234567", "138123456789", "0527-1234567"])
def test_bad_mobile_numbers(raw):
    assert error_of(parse_mobile, raw).code == "invalid_phone"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0527-84361234", "0527-84361234"),
        ("052784361234", "052784361234"),
        ("84361234", "84361234"),
        ("0527-84361234-808", "0527-84361234-808"),
        ("400-123-4567", "400-123-4567"),
        ("13812345678", "13812345678"),
    ],
)
def test_contact_phones(raw, expected):
    assert parse_phone(raw) == expected


def test_bad_contact_phone():
    assert error_of(parse_phone, "电话").code == "invalid_phone"


def test_id_numbers():
    assert parse_id_number("32010219900101007x") == "32010219900101007X"
    assert parse_id_number("320102199001011232") == "320102199001011232"
    assert error_of(parse_id_number, "320102199001011235").message == "联络员身份证号校验位错误，请核对"
    assert error_of(parse_id_number, "320102199002301234").message == "联络员身份证号中的出生日期无效"
    assert error_of(parse_id_number, "3201021990").code == "invalid_id_number"
    assert parse_id_number("") == ""


@pytest.mark.parametrize(
    "raw",
    [
        "2020-01-02",
        "2020/1/2",
        "2020.01.02",
        "2020年1月2日",
        "20200102",
        dt.date(2020, 1, 2),
        dt.datetime(2020, 1, 2, 0, 0),
    ],
)
def test_dates(raw):
    assert parse_date(raw, today=TODAY) == dt.date(2020, 1, 2)


@pytest.mark.parametrize("raw", ["2020-13-01", "明天", "2020-02-30", "1800-01-01", "2027-01-01"])
def test_bad_dates(raw):
    assert error_of(parse_date, raw, today=TODAY).code == "invalid_date"


def test_empty_date_is_none():
    assert parse_date("  ", today=TODAY) is None
    assert parse_date(None, today=TODAY) is None


def test_text_limits_and_required():
    assert parse_text("name", "  宿迁  某某  公司 ") == "宿迁 某某 公司"
    assert error_of(parse_text, "name", "", required=True).message == "企业名称不能为空"
    assert error_of(parse_text, "name", "字" * 121).code == "name_too_long"


def test_uscc_keeps_the_codes_of_the_uscc_module():
    assert parse_uscc(" 9144 0300 7152 6726 xg ") == "9144030071526726XG"
    assert error_of(parse_uscc, "").code == "uscc_empty"
    assert error_of(parse_uscc, "123").code == "uscc_length"


def test_clean_fields_required_and_partial():
    cleaned, errors = clean_fields({"name": "甲"}, today=TODAY, required=True)
    assert set(errors) == {"uscc", "industry", "scale", "tier"}
    cleaned, errors = clean_fields({"name": "甲", "scale": "中型"}, today=TODAY, required=False)
    assert errors == {}
    assert cleaned == {"name": "甲", "scale": "medium"}
