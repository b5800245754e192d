"""A rating as it comes in: the five levels, the sub-item scores and which cases can be rated."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bangban.core.errors import ValidationFailed
from bangban.core.satisfaction import Satisfaction, from_reversed_code
from bangban.tickets.workflow import RATEABLE_STATUSES as _RATEABLE_STATUSES

# Sub-items rated on the same five levels (分项评价).
SUB_ITEMS = {"efficiency": "服务效率", "quality": "服务水平", "attitude": "服务态度"}


LEVEL_HELP = "评价等级应为 1–5（1 非常满意、2 满意、3 基本满意、4 不满意、5 非常不满意）"


# Answered (the rating is also the follow-up) or closed (追评): the case system's named set.
RATEABLE_STATUSES = _RATEABLE_STATUSES


def parse_level(value: Any, *, reversed_codes: bool = False, field: str = "评价等级") -> Satisfaction:
    """A level from outside: GB/T 39046 codes (1 = 非常满意), or the provincial reversed codes."""
    try:
        code = int(value)
        return from_reversed_code(code) if reversed_codes else Satisfaction(code)
    except (TypeError, ValueError):
        raise ValidationFailed(f"{field}无效：{LEVEL_HELP}", code="level_invalid") from None


def parse_scores(scores: Any, *, reversed_codes: bool = False) -> dict[str, int]:
    if not scores:
        return {}
    if not isinstance(scores, dict):
        raise ValidationFailed("分项评价格式不正确", code="scores_invalid")
    result = {}
    for key, value in scores.items():
        if key not in SUB_ITEMS:
            raise ValidationFailed(
                f"未知的分项：{key}（可用：{'、'.join(f'{k} {v}' for k, v in SUB_ITEMS.items())}）",
                code="scores_invalid",
            )
        if value in (None, ""):
            continue
        result[key] = int(parse_level(value, reversed_codes=reversed_codes, field=SUB_ITEMS[key]))
    return result


@dataclass
class RatingInput:
    level: Any
    scores: Any = None
    comment: str = ""
    anonymous: bool = False
    reversed_codes: bool = False
