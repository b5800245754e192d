"""公民身份号码 (GB 11643-1999): 6-digit region, 8-digit birth date, 3-digit sequence, 1 check
character. Check: Σ digit_i × (2^(17-i) mod 11) over the first 17, then "10X98765432"[Σ mod 11].
Pure: no ORM."""

from __future__ import annotations

import datetime as dt

WEIGHTS: tuple[int, ...] = tuple(pow(2, 17 - i, 11) for i in range(17))
CHECK_CHARS = "10X98765432"


def check_char(body17: str) -> str:
    total = sum(int(ch) * weight for ch, weight in zip(body17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def make_id_number(body17: str) -> str:
    return body17 + check_char(body17)


def normalise_id_number(value: str) -> str:
    return (value or "").strip().upper()


def id_number_error(value: str, today: dt.date | None = None) -> str | None:
    """A Chinese message saying what is wrong with an 18-character ID number, or None."""
    value = normalise_id_number(value)
    if len(value) != 18:
        return f"身份证号应为 18 位（当前 {len(value)} 位）"
    body, last = value[:17], value[17]
    if not (body.isascii() and body.isdigit()) or not (last.isdigit() or last == "X"):
        return "身份证号前 17 位须为数字，最后一位为数字或 X"
    try:
        birth = dt.date(int(body[6:10]), int(body[10:12]), int(body[12:14]))
    except ValueError:
        return "身份证号中的出生日期无效"
    if birth.year < 1900 or birth > (today or dt.date.today()):
        return "身份证号中的出生日期无效"
    if check_char(body) != last:
        return "身份证号校验位不正确，请核对后重新输入"
    return None
