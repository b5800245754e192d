"""The ratings app's state machine as data — pure, no queries.

`RECTIFICATION` says which action moves a 差评整改 from which state to which, as `actions.py` does
today; `docs/ratings.md` draws the same table (kept in step by
`core/tests/test_workflow_docs.py`). A rating's `Stage` (首次评价 / 追评) is not a state: each rating
is created with its stage and never moves.
"""

from __future__ import annotations

from bangban.core.kit import move, table

from .models import RectStatus

_OPEN = [RectStatus.VERIFY, RectStatus.CLASSIFY, RectStatus.RECTIFYING, RectStatus.FED_BACK]

RECTIFICATION = table(
    "ratings.rectification",
    RectStatus,
    "差评整改",
    [
        move("verify", "核实", [RectStatus.VERIFY], RectStatus.CLASSIFY),
        move("classify", "定性（立行立改/限期整改/解释说明）", [RectStatus.CLASSIFY], RectStatus.RECTIFYING),
        move("uphold_appeal", "定性为申诉复核成立", [RectStatus.CLASSIFY], RectStatus.DISMISSED),
        move("rectify", "反馈整改结果", [RectStatus.RECTIFYING], RectStatus.FED_BACK),
        move("rate", "企业追评", [RectStatus.FED_BACK], RectStatus.CLOSED),
        move("void", "作废评价", _OPEN, RectStatus.VOIDED),
    ],
    initial=[RectStatus.VERIFY],
)

TABLES = [RECTIFICATION]
