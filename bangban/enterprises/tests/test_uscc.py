"""统一社会信用代码校验的测试。"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bangban.enterprises.uscc import (
    ALPHABET,
    WEIGHTS,
    USCCError,
    check_char,
    is_valid_uscc,
    make_uscc,
    normalize_uscc,
    parse_uscc,
    validate_uscc,
)

# 公开登记信息中可查到的真实代码（均已用本模块算法核对校验位）。
REAL_CODES = {
    "91350100M000100Y43": "GB 32100-2015 宣传材料中广泛引用的示例代码",
    "914403001922038216": "华为技术有限公司",
    "9144030071526726XG": "深圳市腾讯计算机系统有限公司",
    "91330100716105852F": "阿里巴巴（中国）有限公司",
    "91520000214434146R": "贵州茅台酒股份有限公司",
    "91110108558521630L": "小米通讯技术有限公司",
    "91110000802100433B": "百度在线网络技术（北京）有限公司",
}

VALID = "914403001922038216"

first17s = st.text(alphabet=ALPHABET, min_size=17, max_size=17)


def _error(raw: str) -> USCCError:
    with pytest.raises(USCCError) as info:
        validate_uscc(raw)
    return info.value


# --- 算法常量 -----------------------------------------------------------------


def test_alphabet_excludes_ambiguous_letters():
    assert len(ALPHABET) == 31
    assert len(set(ALPHABET)) == 31
    for ch in "IOZSV":
        assert ch not in ALPHABET


def test_weights_match_standard_table():
    assert WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


# --- 合法代码 -----------------------------------------------------------------


@pytest.mark.parametrize("code", sorted(REAL_CODES))
def test_real_codes_are_valid(code):
    assert validate_uscc(code) == code
    assert is_valid_uscc(code)
    assert check_char(code[:17]) == code[17]
    assert make_uscc(code[:17]) == code


def test_check_value_31_maps_to_zero():
    # 前 17 位全为 0 时加权和为 0，31 − 0 = 31，按规定取 0。
    assert check_char("0" * 17) == "0"
    assert validate_uscc("0" * 18) == "0" * 18


def test_lowercase_and_spaces_are_normalized():
    raw = " 9144 0300 7152 6726 xg\t"
    assert validate_uscc(raw) == "9144030071526726XG"


def test_full_width_input():
    raw = "９１４４０３００７１５２６７２６ＸＧ"
    assert normalize_uscc(raw) == "9144030071526726XG"
    assert validate_uscc(raw) == "9144030071526726XG"


def test_full_width_spaces_and_lowercase_full_width():
    raw = "\u3000９１３５０１００ｍ０００１００ｙ４３\u3000"
    assert validate_uscc(raw) == "91350100M000100Y43"


def test_normalize_does_not_validate():
    assert normalize_uscc("ab c") == "ABC"
    assert normalize_uscc("") == ""
    assert normalize_uscc(None) == ""


def test_unusual_authority_codes_are_not_rejected():
    for prefix in ("Y1", "N2", "A1", "31", "51", "11"):
        code = make_uscc(prefix + "321300" + "MA1XXXXXX")
        assert validate_uscc(code) == code


def test_parse_parts():
    parts = parse_uscc("91350100M000100Y43")
    assert parts.authority == "9"
    assert parts.authority_name == "工商（市场监管）"
    assert parts.organization_type == "1"
    assert parts.organization_type_name == "企业"
    assert parts.region_code == "350100"
    assert parts.subject_code == "M000100Y4"
    assert parts.check == "3"


def test_parse_unknown_type_has_no_name():
    parts = parse_uscc(make_uscc("97321300MA1XXXXXX"))
    assert parts.authority_name == "工商（市场监管）"
    assert parts.organization_type_name is None


# --- 四类错误 -----------------------------------------------------------------


@pytest.mark.parametrize("raw", ["", "   ", "\u3000\u3000", None])
def test_empty(raw):
    err = _error(raw)
    assert err.code == "uscc_empty"
    assert err.message == "统一社会信用代码不能为空"
    assert str(err) == err.message
    assert isinstance(err, ValueError)


@pytest.mark.parametrize("raw", [VALID[:17], VALID + "0", "9", VALID[:10]])
def test_length(raw):
    err = _error(raw)
    assert err.code == "uscc_length"
    assert err.message == f"统一社会信用代码应为18位，当前为{len(raw)}位"


def test_length_is_counted_after_normalization():
    err = _error("９１４４ ０３００")
    assert err.code == "uscc_length"
    assert err.message == "统一社会信用代码应为18位，当前为8位"


def test_length_checked_before_characters():
    assert _error("IOZSV").code == "uscc_length"


def test_forbidden_char_single():
    raw = "9135I100M000100Y43"
    err = _error(raw)
    assert err.code == "uscc_forbidden_char"
    assert "第5位" in err.message
    assert "“I”" in err.message
    assert "I、O、Z、S、V" in err.message


def test_forbidden_char_multiple_lists_each():
    raw = "O135010-M000100Y4S"
    err = _error(raw)
    assert err.code == "uscc_forbidden_char"
    for fragment in ("第1位“O”", "第8位“-”", "第18位“S”"):
        assert fragment in err.message


@pytest.mark.parametrize("ch", list("IOZSV-*中"))
def test_each_forbidden_symbol(ch):
    raw = VALID[:3] + ch + VALID[4:]
    assert _error(raw).code == "uscc_forbidden_char"


def test_check_char_error_message():
    raw = VALID[:17] + "7"
    err = _error(raw)
    assert err.code == "uscc_check_char"
    assert err.message == "统一社会信用代码校验位错误：第18位应为“6”，实际为“7”"


def test_check_char_rejects_bad_input():
    with pytest.raises(USCCError) as info:
        check_char("1234")
    assert info.value.code == "uscc_length"
    with pytest.raises(USCCError) as info:
        make_uscc("9132130OMA1XXXXXX")
    assert info.value.code == "uscc_forbidden_char"


# --- 性质测试 -----------------------------------------------------------------


@given(first17s)
def test_make_uscc_always_validates(first17):
    code = make_uscc(first17)
    assert len(code) == 18
    assert code[:17] == first17
    assert validate_uscc(code) == code


@given(
    first17s,
    st.integers(min_value=0, max_value=17),
    st.integers(min_value=1, max_value=30),
)
def test_single_substitution_always_detected(first17, position, shift):
    """任意一位替换为字符集中的另一字符，都会以 uscc_check_char 失败。

    证明：设第 i 位代码值由 v 变为 v'（0 ≤ v, v' ≤ 30，v ≠ v'）。
    * 若 i ≤ 17，加权和变化 (v' − v)·w_i。0 < |v' − v| < 31，且 w_i = 3^(i−1)
      不被 31 整除；31 为素数，故乘积不被 31 整除，加权和模 31 必然改变。
      校验值 c = (31 − s mod 31) mod 31 是 s mod 31 的双射，因此应有的校验位
      随之改变，而第 18 位未变，校验失败。
    * 若 i = 18，前 17 位不变，应有的校验位不变，而实际校验位已改变。
    两种情况下长度与字符集都不受影响，所以报出的必定是 uscc_check_char。
    """
    code = make_uscc(first17)
    old = ALPHABET.index(code[position])
    new_char = ALPHABET[(old + shift) % 31]
    mutated = code[:position] + new_char + code[position + 1 :]
    assert mutated != code
    err = _error(mutated)
    assert err.code == "uscc_check_char"


@pytest.mark.parametrize("code", sorted(REAL_CODES))
def test_single_substitution_exhaustive_on_real_codes(code):
    for position in range(18):
        for ch in ALPHABET:
            if ch == code[position]:
                continue
            mutated = code[:position] + ch + code[position + 1 :]
            assert _error(mutated).code == "uscc_check_char"


def test_weights_are_units_mod_31():
    # 上述证明的前提：每个权重都不被 31 整除（3 是模 31 的原根，权重两两不同）。
    assert all(w % 31 != 0 for w in WEIGHTS)
    assert len(set(WEIGHTS)) == 17
