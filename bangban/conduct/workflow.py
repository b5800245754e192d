"""The 入企登记簿's state machines as data — pure, no queries.

The actions call `check` before every status change, and `docs/conduct-and-enforcement.md` draws the
same tables (kept in step by `core/tests/test_workflow_docs.py`).
"""

from __future__ import annotations

from bangban.core.kit import move, table

from .models import Presence, ProblemState, Response, SnapStatus

# An official registers an entry on arrival (在企业) and records the time out once (离开).
PRESENCE = table(
    "conduct.presence",
    Presence,
    "入企登记",
    [move("leave", "离开", [Presence.ON_SITE], Presence.LEFT)],
    initial=[Presence.ON_SITE],
)

# The enterprise answers each entry once: it confirms it, or reports it as improper (citing a
# 负面清单 item).
RESPONSE = table(
    "conduct.response",
    Response,
    "入企登记",
    [
        move("confirm", "企业确认", [Response.PENDING], Response.CONFIRMED),
        move("report", "企业反映不当", [Response.PENDING], Response.REPORTED),
    ],
    initial=[Response.PENDING],
)

TABLES = [PRESENCE, RESPONSE]

# A 问题清单 item waits for 作风办 (待转办) and is either transferred to a unit as a case (已转办 —
# from then on its progress, 办理中 or 已办结, is the case's) or closed directly with a note when it
# was solved on the spot (直接办结).
PROBLEM = table(
    "conduct.problem",
    ProblemState,
    "问题清单事项",
    [
        move("transfer", "转办", [ProblemState.PENDING], ProblemState.TRANSFERRED),
        move("resolve", "直接办结", [ProblemState.PENDING], ProblemState.RESOLVED),
    ],
    initial=[ProblemState.PENDING],
)

TABLES.append(PROBLEM)
# 随手拍 and the complaint phone (R7.3): 作风办 verifies (核实), investigates (查处) and concludes the
# report as unfounded or founded; a founded one may be published (曝光) — `ConductComplaint.published`,
# not a state, so a published case stays 已办结（属实）.
SNAP = table(
    "conduct.snap",
    SnapStatus,
    "作风投诉",
    [
        move("verify", "开始核实", [SnapStatus.PENDING], SnapStatus.VERIFYING),
        move("investigate", "转入查处", [SnapStatus.VERIFYING], SnapStatus.INVESTIGATING),
        move("dismiss", "核实不属实", [SnapStatus.VERIFYING], SnapStatus.UNFOUNDED),
        move("conclude", "查处办结", [SnapStatus.INVESTIGATING], SnapStatus.FOUNDED),
    ],
    initial=[SnapStatus.PENDING],
)

TABLES.append(SNAP)
