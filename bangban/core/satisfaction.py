"""The five satisfaction levels of 好差评 (R2.3), coded as GB/T 39046-2020 Table 9 does:
1 = 非常满意 … 5 = 非常不满意. Some provincial interfaces count the other way (1 = 非常不满意);
convert at the boundary with `from_reversed_code` / `to_reversed_code`, never inside the product."""

from __future__ import annotations

from django.db import models


class Satisfaction(models.IntegerChoices):
    VERY_SATISFIED = 1, "非常满意"
    SATISFIED = 2, "满意"
    BASICALLY_SATISFIED = 3, "基本满意"
    DISSATISFIED = 4, "不满意"
    VERY_DISSATISFIED = 5, "非常不满意"


BAD_RATINGS = frozenset({Satisfaction.DISSATISFIED, Satisfaction.VERY_DISSATISFIED})
# Counted as satisfied in 满意率 (the first three levels).
SATISFIED_LEVELS = frozenset(
    {Satisfaction.VERY_SATISFIED, Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED}
)


def from_reversed_code(code: int) -> Satisfaction:
    """A provincial code where 1 = 非常不满意 … 5 = 非常满意 → ours."""
    if code not in range(1, 6):
        raise ValueError(f"满意度代码应为 1–5，收到 {code}")
    return Satisfaction(6 - code)


def to_reversed_code(level: int) -> int:
    return 6 - Satisfaction(level).value
