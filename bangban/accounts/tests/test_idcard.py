"""公民身份号码 check (GB 11643-1999), without a database."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from bangban.accounts.idcard import check_char, id_number_error, make_id_number

# A published example of the standard: 11010519491231002X.
EXAMPLE = "11010519491231002X"


def test_the_standard_example_is_valid():
    assert check_char(EXAMPLE[:17]) == "X"
    assert id_number_error(EXAMPLE) is None
    assert id_number_error(EXAMPLE.lower()) is None


def test_a_wrong_check_character_is_named():
    assert id_number_error("110105194912310021") == "身份证号校验位不正确，请核对后重新输入"


def test_length_characters_and_birth_date_are_checked():
    assert "18 位" in (id_number_error("11010519491231002") or "")
    assert "前 17 位须为数字" in (id_number_error("1101051949123100AX") or "")
    assert "出生日期无效" in (id_number_error(make_id_number("11010519491331002")) or "")
    future = make_id_number("11010520990101002")
    assert "出生日期无效" in (id_number_error(future, today=dt.date(2026, 1, 1)) or "")


bodies = st.builds(
    lambda region, birth, seq: f"{region}{birth:%Y%m%d}{seq:03d}",
    st.integers(110000, 659999).map(str),
    st.dates(dt.date(1920, 1, 1), dt.date(2010, 12, 31)),
    st.integers(0, 999),
)


@given(bodies)
def test_generated_numbers_are_valid(body):
    assert id_number_error(make_id_number(body)) is None


@given(bodies, st.integers(0, 16), st.integers(1, 9))
def test_any_single_digit_error_is_caught(body, position, delta):
    number = make_id_number(body)
    wrong_digit = str((int(number[position]) + delta) % 10)
    changed = number[:position] + wrong_digit + number[position + 1 :]
    assert id_number_error(changed) is not None
