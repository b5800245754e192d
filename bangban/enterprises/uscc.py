"""统一社会信用代码（GB 32100-2015）的规范化、校验与生成。

代码结构（共 18 位）：

* 第 1 位：登记管理部门码（1 机构编制、5 民政、9 工商/市场监管、Y 其他……）；
* 第 2 位：机构类别码（登记管理部门为 9 时：1 企业、2 个体工商户、3 农民专业合作社）；
* 第 3–8 位：登记管理机关行政区划码；
* 第 9–17 位：主体标识码（组织机构代码）；
* 第 18 位：校验码。

字符集为 ``0-9`` 及除 I、O、Z、S、V 以外的大写英文字母，共 31 个字符，
各字符的代码值即其在字符集中的序号（0–30）。第 i 位（i = 1..17）的加权
因子为 3^(i-1) mod 31。校验码代码值 = 31 − (Σ 代码值 × 加权因子 mod 31)，
结果为 31 时取 0。

本模块只依赖标准库，可在任何环境下使用。校验只针对四类错误（为空、长度、
非法字符、校验位），不对登记管理部门码、机构类别码或行政区划码的取值作限制，
以免误拒少见但合法的代码。
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ALPHABET",
    "ORGANIZATION_TYPES",
    "REGISTRATION_AUTHORITIES",
    "USCC_LENGTH",
    "WEIGHTS",
    "USCCError",
    "USCCParts",
    "check_char",
    "is_valid_uscc",
    "make_uscc",
    "normalize_uscc",
    "parse_uscc",
    "validate_uscc",
]

#: 代码字符集；字符在其中的下标即其代码值。
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"

#: 代码总长度。
USCC_LENGTH = 18

_MODULUS = 31

#: 第 1–17 位的加权因子：3^(i-1) mod 31。
WEIGHTS: tuple[int, ...] = tuple(pow(3, i, _MODULUS) for i in range(USCC_LENGTH - 1))

_VALUES = {ch: i for i, ch in enumerate(ALPHABET)}

#: 登记管理部门码（第 1 位）。
REGISTRATION_AUTHORITIES: dict[str, str] = {
    "1": "机构编制",
    "2": "外交",
    "3": "司法行政",
    "4": "文化",
    "5": "民政",
    "6": "旅游",
    "7": "宗教",
    "8": "工会",
    "9": "工商（市场监管）",
    "A": "中央军委改革和编制办公室",
    "N": "农业",
    "Y": "其他",
}

#: 常见登记管理部门下的机构类别码（第 2 位）。仅作说明用途，不参与校验。
ORGANIZATION_TYPES: dict[str, dict[str, str]] = {
    "1": {"1": "机关", "2": "事业单位", "3": "群众团体", "9": "其他"},
    "5": {"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他"},
    "9": {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"},
    "N": {
        "1": "组级集体经济组织",
        "2": "村级集体经济组织",
        "3": "乡镇级集体经济组织",
        "9": "其他",
    },
    "Y": {"1": "其他"},
}

_FORBIDDEN_HINT = "只能使用数字0-9和大写英文字母，且不得使用 I、O、Z、S、V"


class USCCError(ValueError):
    """统一社会信用代码不合法。

    ``code`` 为稳定的机器可读错误码，``message`` 为面向用户的中文说明。
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __repr__(self) -> str:
        return f"USCCError(code={self.code!r}, message={self.message!r})"


@dataclass(frozen=True)
class USCCParts:
    """拆分后的统一社会信用代码各部分。"""

    code: str
    authority: str
    authority_name: str | None
    organization_type: str
    organization_type_name: str | None
    region_code: str
    subject_code: str
    check: str


def _is_space(ch: str) -> bool:
    # str.isspace() 覆盖半角空格、制表符、换行以及全角空格 U+3000、不换行空格等。
    return ch.isspace() or ch in "\u200b\ufeff"


def _to_halfwidth(ch: str) -> str:
    code = ord(ch)
    if 0xFF01 <= code <= 0xFF5E:
        return chr(code - 0xFEE0)
    return ch


def normalize_uscc(raw: str | None) -> str:
    """规范化用户输入：去除所有空白（含全角空格），全角字符转半角，并转为大写。

    不做任何合法性判断；``None`` 视为空字符串。
    """
    if raw is None:
        return ""
    chars = (_to_halfwidth(ch) for ch in str(raw) if not _is_space(ch))
    return "".join(chars).upper()


def _describe_forbidden(code: str) -> str | None:
    bad = [(pos, ch) for pos, ch in enumerate(code, start=1) if ch not in _VALUES]
    if not bad:
        return None
    parts = "、".join(f"第{pos}位“{ch}”" for pos, ch in bad)
    if len(bad) == 1:
        pos, ch = bad[0]
        head = f"统一社会信用代码第{pos}位含有不允许的字符“{ch}”"
    else:
        head = f"统一社会信用代码含有不允许的字符：{parts}"
    return f"{head}（{_FORBIDDEN_HINT}）"


def _check_value(first17: str) -> int:
    total = sum(_VALUES[ch] * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return (_MODULUS - total % _MODULUS) % _MODULUS


def _require_body(first17: str) -> str:
    body = normalize_uscc(first17)
    if len(body) != USCC_LENGTH - 1:
        raise USCCError(
            "uscc_length",
            f"统一社会信用代码前17位应为17位，当前为{len(body)}位",
        )
    message = _describe_forbidden(body)
    if message is not None:
        raise USCCError("uscc_forbidden_char", message)
    return body


def check_char(first17: str) -> str:
    """根据前 17 位计算第 18 位校验码。

    输入先经过 :func:`normalize_uscc`；长度不是 17 或含有字符集以外的字符时
    抛出 :class:`USCCError`（错误码 ``uscc_length`` / ``uscc_forbidden_char``）。
    """
    return ALPHABET[_check_value(_require_body(first17))]


def make_uscc(first17: str) -> str:
    """在（规范化后的）前 17 位后追加校验码，返回完整的 18 位代码。"""
    body = _require_body(first17)
    return body + ALPHABET[_check_value(body)]


def validate_uscc(raw: str | None) -> str:
    """校验统一社会信用代码，合法时返回规范化后的代码。

    不合法时抛出 :class:`USCCError`，错误码按以下顺序判定，只报告第一个：

    * ``uscc_empty``：为空（或只有空白）；
    * ``uscc_length``：长度不是 18 位；
    * ``uscc_forbidden_char``：含有字符集以外的字符；
    * ``uscc_check_char``：校验位与前 17 位计算结果不符。
    """
    code = normalize_uscc(raw)
    if not code:
        raise USCCError("uscc_empty", "统一社会信用代码不能为空")
    if len(code) != USCC_LENGTH:
        raise USCCError(
            "uscc_length",
            f"统一社会信用代码应为18位，当前为{len(code)}位",
        )
    message = _describe_forbidden(code)
    if message is not None:
        raise USCCError("uscc_forbidden_char", message)
    expected = ALPHABET[_check_value(code[:17])]
    actual = code[17]
    if expected != actual:
        raise USCCError(
            "uscc_check_char",
            f"统一社会信用代码校验位错误：第18位应为“{expected}”，实际为“{actual}”",
        )
    return code


def is_valid_uscc(raw: str | None) -> bool:
    """``validate_uscc`` 的布尔版本。"""
    try:
        validate_uscc(raw)
    except USCCError:
        return False
    return True


def parse_uscc(raw: str) -> USCCParts:
    """校验并拆分代码；登记管理部门、机构类别未知时对应名称为 ``None``。"""
    code = validate_uscc(raw)
    authority, org_type = code[0], code[1]
    return USCCParts(
        code=code,
        authority=authority,
        authority_name=REGISTRATION_AUTHORITIES.get(authority),
        organization_type=org_type,
        organization_type_name=ORGANIZATION_TYPES.get(authority, {}).get(org_type),
        region_code=code[2:8],
        subject_code=code[8:17],
        check=code[17],
    )
