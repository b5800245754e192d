"""The service network's state machines as data — pure, no queries.

The actions (`actions.py`, `importing.py`) call `check` before every status change, and
`docs/service-network.md` draws the same tables (kept in step by
`core/tests/test_workflow_docs.py`).
"""

from __future__ import annotations

from bangban.core.kit import move, table

from .models import BatchStatus, HelpItemStatus, HelpMeetingStatus, Verification

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

# 解难帮扶会办会 (R3.3): scheduled, held (minutes recorded), 办结 once every agenda item is disposed and
# done; a scheduled meeting may be cancelled with a reason.
HELP_MEETING = table(
    "network.help_meeting",
    HelpMeetingStatus,
    "会办会",
    [
        move("hold", "记录纪要并确认召开", [HelpMeetingStatus.SCHEDULED], HelpMeetingStatus.HELD),
        move("dispose", "处置议题", [HelpMeetingStatus.HELD], HelpMeetingStatus.HELD),
        move("close", "办结", [HelpMeetingStatus.HELD], HelpMeetingStatus.CLOSED),
        move("cancel", "取消", [HelpMeetingStatus.SCHEDULED], HelpMeetingStatus.CANCELLED),
    ],
    initial=[HelpMeetingStatus.SCHEDULED],
)

# An agenda item is disposed once: 分办 hands it to a case (the case carries it on), 批办 and 会办
# make it a tracked task of the lead unit, which 办结 it with a result.
HELP_ITEM = table(
    "network.help_item",
    HelpItemStatus,
    "议题",
    [
        move("assign", "分办", [HelpItemStatus.PENDING], HelpItemStatus.ASSIGNED),
        move("instruct", "批办", [HelpItemStatus.PENDING], HelpItemStatus.OPEN),
        move("joint", "会办", [HelpItemStatus.PENDING], HelpItemStatus.OPEN),
        move("complete", "办结", [HelpItemStatus.OPEN], HelpItemStatus.DONE),
    ],
    initial=[HelpItemStatus.PENDING],
)

TABLES = [VERIFICATION, BATCH, HELP_MEETING, HELP_ITEM]
