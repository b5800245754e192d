"""The service network's state machines as data — pure, no queries.

The actions (`actions.py`, `importing.py`) call `check` before every status change, and
`docs/service-network.md` draws the same tables (kept in step by
`core/tests/test_workflow_docs.py`).
"""

from __future__ import annotations

from bangban.core.kit import move, table

from .models import BatchStatus, Verification

# 核验: a visit is registered 待企业确认 (other contacts need none); the enterprise's 工作联络员
# confirms or disputes it once, on the page, through the API or by the SMS link.
VERIFICATION = table(
    "network.verification",
    Verification,
    "走访",
    [
        move("confirm", "企业确认", [Verification.PENDING], Verification.CONFIRMED),
        move("dispute", "企业提出异议", [Verification.PENDING], Verification.DISPUTED),
    ],
    initial=[Verification.NOT_REQUIRED, Verification.PENDING],
)

BATCH = table(
    "network.batch",
    BatchStatus,
    "挂钩安排导入批次",
    [
        move("apply", "确认导入", [BatchStatus.PREVIEWED], BatchStatus.APPLIED),
        move("cancel", "取消导入", [BatchStatus.PREVIEWED], BatchStatus.CANCELLED),
    ],
    initial=[BatchStatus.PREVIEWED],
)

TABLES = [VERIFICATION, BATCH]
