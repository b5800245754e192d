"""The state machine of a 代办 as data — pure, no queries.

The actions call `check` before every change, and `docs/assist.md` draws the same table (kept in
step by `core/tests/test_workflow_docs.py`)."""

from __future__ import annotations

from bangban.core.kit import move, table

from .models import ErrandStatus

S = ErrandStatus
OPEN = [S.ACCEPTED, S.IN_PROGRESS, S.AWAITING]

# Steps and materials are logged while the 代办 is open (OPEN); they do not move it.
# A 帮办代办员 accepts a 代办 (受理), starts it (办理中), logs steps and the materials handed over
# and returned, and asks the enterprise to confirm (待企业确认). The enterprise confirms online, or
# the officer records the enterprise's signed paper confirmation with a reason: 办结. The
# enterprise may send it back (退回) while it waits; any open 代办 may be ended with a reason (终止).
ERRAND = table(
    "assist.errand",
    ErrandStatus,
    "代办",
    [
        move("start", "开始办理", [S.ACCEPTED], S.IN_PROGRESS),
        move("request_confirmation", "提请企业确认", [S.IN_PROGRESS], S.AWAITING),
        move("send_back", "企业退回", [S.AWAITING], S.IN_PROGRESS),
        move("confirm", "企业确认办结", [S.AWAITING], S.DONE),
        move("close_on_paper", "凭纸质确认办结", [S.AWAITING], S.DONE),
        move("terminate", "终止", OPEN, S.TERMINATED),
    ],
    initial=[S.ACCEPTED],
)

TABLES = [ERRAND]
