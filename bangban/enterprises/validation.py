"""Rules for the values of an enterprise record, shared by the form, the API and the Excel import.

Pure: no ORM. Each `parse_*` takes what a person typed (or what a spreadsheet cell holds) and
returns the stored value, or raises `FieldError` with a stable code and a Chinese message.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .demo_data import GBT4754_SECTIONS
from .uscc import ALPHABET, WEIGHTS, USCCError, validate_uscc

__all__ = [
    "FIELD_LABELS",
    "INDUSTRY_NAMES",
    "SCALE_BY_LABEL",
    "TIER_BY_LABEL",
    "FieldError",
    "parse_date",
    "parse_id_number",
    "parse_industry",
    "parse_mobile",
    "parse_phone",
    "parse_scale",
    "parse_text",
    "parse_tier",
    "parse_uscc",
]


@dataclass
class FieldError(Exception):
    code: str
    message: str

    def __str__(self) -> str:
        return self.message


FIELD_LABELS: dict[str, str] = {
    "uscc": "统一社会信用代码",
    "name": "企业名称",
    "region": "所属区划",
    "industry": "行业门类",
    "scale": "企业规模",
    "tier": "企业层级",
    "legal_representative": "法定代表人",
    "address": "地址",
    "established": "成立日期",
    "liaison_name": "工作联络员",
    "liaison_phone": "联络员手机",
    "liaison_id_number": "联络员身份证号",
    "contact_phone": "企业联系电话",
    "is_active": "存续",
}

TEXT_LIMITS: dict[str, int] = {
    "name": 120,
    "legal_representative": 50,
    "address": 200,
    "liaison_name": 50,
}

INDUSTRY_NAMES: dict[str, str] = dict(GBT4754_SECTIONS)
_INDUSTRY_BY_NAME = {name: letter for letter, name in GBT4754_SECTIONS}

SCALE_BY_LABEL = {"大型": "large", "中型": "medium", "小型": "small", "微型": "micro"}
TIER_BY_LABEL = {"市工业百强": "city_top100", "县区重点": "county_key", "一般": "general"}
_TIER_ALIASES = {"一般企业": "general", "县区重点企业": "county_key", "工业百强": "city_top100"}

_SPACES_RE = re.compile(r"[\s\u200b\ufeff]+")
_SPACE_RUN_RE = re.compile(r"\s\s|[^\S ]|[\u200b\ufeff]")
# Full-width ASCII (Ｃ, １, －) → half-width, in one C-level pass.
_HALFWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}


def _text(value: Any) -> str:
    """Cell or form value → trimmed text, full-width spaces included; 12.0 → "12"."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip() if value.isascii() else value.replace("\u3000", " ").strip()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _compact(value: Any) -> str:
    """Text with every kind of whitespace removed, full-width letters/digits made half-width."""
    text = "".join(_text(value).split())
    if text.isascii():
        return text
    return text.replace("\u200b", "").replace("\ufeff", "").translate(_HALFWIDTH)


_USCC_VALUES = {ch: i for i, ch in enumerate(ALPHABET)}
_PLAIN_USCC = re.compile(f"[{ALPHABET}]{{18}}")


def _plain_uscc_ok(code: str) -> bool:
    """The common case, an already clean code, checked without normalising (100,000-row imports)."""
    total = sum(_USCC_VALUES[ch] * w for ch, w in zip(code, WEIGHTS, strict=False))
    return ALPHABET[(31 - total % 31) % 31] == code[17]


def parse_uscc(value: Any) -> str:
    if isinstance(value, str) and _PLAIN_USCC.fullmatch(value) and _plain_uscc_ok(value):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        # An 18-digit code typed into a number cell has already lost digits in Excel.
        try:
            validate_uscc(_text(value))
        except USCCError as exc:
            raise FieldError(
                exc.code, exc.message + "（该单元格为数值格式，长数字可能已被 Excel 截断，请将该列设为文本）"
            ) from exc
    try:
        return validate_uscc(_text(value))
    except USCCError as exc:
        raise FieldError(exc.code, exc.message) from exc


def parse_text(field: str, value: Any, *, required: bool = False) -> str:
    label = FIELD_LABELS.get(field, field)
    text = _text(value)
    if _SPACE_RUN_RE.search(text):
        text = _SPACES_RE.sub(" ", text)
    if not text:
        if required:
            raise FieldError(f"{field}_required", f"{label}不能为空")
        return ""
    limit = TEXT_LIMITS.get(field)
    if limit is not None and len(text) > limit:
        raise FieldError(f"{field}_too_long", f"{label}不能超过{limit}个字，当前为{len(text)}个字")
    return text


def parse_industry(value: Any) -> str:
    """ "C", "c", "制造业", "C 制造业", "C制造业" → "C"."""
    text = _compact(value)
    if not text:
        raise FieldError("industry_required", "行业门类不能为空")
    upper = text.upper()
    if len(upper) == 1 and upper in INDUSTRY_NAMES:
        return upper
    if text in _INDUSTRY_BY_NAME:
        return _INDUSTRY_BY_NAME[text]
    if upper[0] in INDUSTRY_NAMES and text[1:].lstrip("-—.、") == INDUSTRY_NAMES[upper[0]]:
        return upper[0]
    raise FieldError(
        "invalid_industry",
        f"行业门类“{_text(value)[:30]}”无效，应填写 GB/T 4754-2017 门类字母 A–T 或门类名称（如“C”或“制造业”）",
    )


def parse_scale(value: Any) -> str:
    text = _compact(value)
    if not text:
        raise FieldError("scale_required", "企业规模不能为空")
    if text in SCALE_BY_LABEL:
        return SCALE_BY_LABEL[text]
    if text.endswith("企业") and text[:-2] in SCALE_BY_LABEL:
        return SCALE_BY_LABEL[text[:-2]]
    if text.lower() in SCALE_BY_LABEL.values():
        return text.lower()
    raise FieldError("invalid_scale", f"企业规模“{_text(value)[:30]}”无效，应为 大型、中型、小型 或 微型")


def parse_tier(value: Any) -> str:
    text = _compact(value)
    if not text:
        raise FieldError("tier_required", "企业层级不能为空")
    if text in TIER_BY_LABEL:
        return TIER_BY_LABEL[text]
    if text in _TIER_ALIASES:
        return _TIER_ALIASES[text]
    if text.lower() in TIER_BY_LABEL.values():
        return text.lower()
    raise FieldError("invalid_tier", f"企业层级“{_text(value)[:30]}”无效，应为 市工业百强、县区重点 或 一般")


_MOBILE_RE = re.compile(r"1[3-9]\d{9}")
_LANDLINE_RE = re.compile(r"(0\d{2,3}-?)?[2-9]\d{6,7}(-\d{1,6})?")
_SERVICE_RE = re.compile(r"[48]00-?\d{3}-?\d{4}")


def _phone_text(value: Any) -> str:
    text = _compact(value)
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("86") and len(text) == 13:
        text = text[2:]
    return text.replace("－", "-").replace("—", "-").replace("(", "").replace(")", "")


def parse_mobile(value: Any, field: str = "liaison_phone") -> str:
    """A mainland mobile number, 11 digits; spaces, dashes and a +86 prefix are tolerated."""
    text = _phone_text(value)
    if not text:
        return ""
    digits = text.replace("-", "")
    if _MOBILE_RE.fullmatch(digits):
        return digits
    label = FIELD_LABELS.get(field, field)
    raise FieldError("invalid_phone", f"{label}“{_text(value)[:30]}”格式不正确，应为11位手机号码")


def parse_phone(value: Any, field: str = "contact_phone") -> str:
    """A mobile, a landline (with or without area code and extension) or a 400/800 number."""
    text = _phone_text(value)
    if not text:
        return ""
    digits = text.replace("-", "")
    if _MOBILE_RE.fullmatch(digits):
        return digits
    if _LANDLINE_RE.fullmatch(text) or _SERVICE_RE.fullmatch(text):
        return text
    label = FIELD_LABELS.get(field, field)
    raise FieldError(
        "invalid_phone",
        f"{label}“{_text(value)[:30]}”格式不正确，应为手机号或固定电话（如 0527-84361234）",
    )


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def parse_id_number(value: Any, field: str = "liaison_id_number") -> str:
    """A resident ID number (GB 11643-1999): 18 characters, a valid birth date, the check digit."""
    text = _compact(value).upper()
    if not text:
        return ""
    label = FIELD_LABELS.get(field, field)
    if not re.fullmatch(r"\d{17}[\dX]", text):
        raise FieldError("invalid_id_number", f"{label}应为18位（最后一位可以是X）")
    try:
        dt.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError as exc:
        raise FieldError("invalid_id_number", f"{label}中的出生日期无效") from exc
    expected = _ID_CHECK[sum(int(c) * w for c, w in zip(text[:17], _ID_WEIGHTS, strict=True)) % 11]
    if text[17] != expected:
        raise FieldError("invalid_id_number", f"{label}校验位错误，请核对")
    return text


_DATE_RES = (
    re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
)


def _date_from_text(value: Any) -> dt.date | None:
    text = _compact(value)
    if len(text) == 10:
        try:
            return dt.date.fromisoformat(text)  # the common 2020-01-02, at C speed
        except ValueError:
            pass
    text = text.split("T")[0] if re.fullmatch(r"\d{4}-\d{2}-\d{2}T.*", text) else text
    text = re.sub(r"(00:00(:00)?)$", "", text)
    for pattern in _DATE_RES:
        match = pattern.fullmatch(text)
        if match:
            try:
                return dt.date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                return None
    return None


def parse_date(value: Any, *, today: dt.date, field: str = "established") -> dt.date | None:
    """A date cell, or text like 2020-01-02, 2020/1/2, 2020年1月2日, 20200102. Not in the future."""
    label = FIELD_LABELS.get(field, field)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    parsed: dt.date | None
    if isinstance(value, dt.datetime):
        parsed = value.date()
    elif isinstance(value, dt.date):
        parsed = value
    else:
        parsed = _date_from_text(value)
        if parsed is None:
            raise FieldError(
                "invalid_date", f"{label}“{_text(value)[:30]}”无效，应为日期，如 2020-01-02 或 2020年1月2日"
            )
    if parsed > today:
        raise FieldError("invalid_date", f"{label}不能晚于今天")
    if parsed.year < 1900:
        raise FieldError("invalid_date", f"{label}“{parsed.isoformat()}”过早，请核对")
    return parsed


def parse_is_active(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = _compact(value).lower()
    if text in {"1", "true", "yes", "是", "存续", "在营"}:
        return True
    if text in {"0", "false", "no", "否", "注销", "已注销", "停用"}:
        return False
    raise FieldError("invalid_is_active", "存续状态无效，应为“是”或“否”")


# Field → parser for the fields whose value needs no database (region is resolved by the caller).
def clean_fields(
    data: Mapping[str, Any], *, today: dt.date, required: bool
) -> tuple[dict[str, Any], dict[str, FieldError]]:
    """Clean the enterprise fields present in `data`. With `required`, the mandatory fields must
    be present and non-empty (creating); without, only what is given is checked (editing)."""
    cleaned: dict[str, Any] = {}
    errors: dict[str, FieldError] = {}
    mandatory = ("uscc", "name", "industry", "scale", "tier")
    for field in FIELD_LABELS:
        if field == "region":
            continue
        if field not in data:
            if required and field in mandatory:
                label = FIELD_LABELS[field]
                errors[field] = FieldError(f"{field}_required", f"{label}不能为空")
            continue
        value = data[field]
        try:
            if field == "uscc":
                cleaned[field] = parse_uscc(value)
            elif field == "name":
                cleaned[field] = parse_text(field, value, required=True)
            elif field in ("legal_representative", "address", "liaison_name"):
                cleaned[field] = parse_text(field, value)
            elif field == "industry":
                cleaned[field] = parse_industry(value)
            elif field == "scale":
                cleaned[field] = parse_scale(value)
            elif field == "tier":
                cleaned[field] = parse_tier(value)
            elif field == "established":
                cleaned[field] = parse_date(value, today=today)
            elif field == "liaison_phone":
                cleaned[field] = parse_mobile(value)
            elif field == "contact_phone":
                cleaned[field] = parse_phone(value)
            elif field == "liaison_id_number":
                cleaned[field] = parse_id_number(value)
            elif field == "is_active":
                cleaned[field] = parse_is_active(value)
        except FieldError as exc:
            errors[field] = exc
    return cleaned, errors
