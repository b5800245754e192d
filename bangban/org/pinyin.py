"""Pinyin initials of unit names, for the type-ahead (「sysp」 finds 沭阳县行政审批局). Pure: no ORM."""

from __future__ import annotations

import re

from pypinyin import Style, lazy_pinyin

_LETTERS = re.compile(r"[^a-z0-9]")
_QUERY = re.compile(r"^[a-z]{2,20}$")


def initials(text: str) -> str:
    """「沭阳县行政审批局」 → "syxxzspj": the first letter of each character's pinyin (letters and
    digits in the text are kept as they are, lower-cased)."""
    letters = lazy_pinyin(text or "", style=Style.FIRST_LETTER, errors="default")
    return _LETTERS.sub("", "".join(letters).lower())


def is_initials_query(query: str) -> bool:
    """Whether `query` may be pinyin initials (2–20 Latin letters), matched in order and skipping
    characters (「sysp」: 沭阳·县·行政·审批 → s…y…s…p; the `in_order` lookup, lookups.py)."""
    return bool(_QUERY.match((query or "").strip().lower()))
