"""The state machines of 跑现场 as data — pure, no queries.

The actions call `check` before every status change, and `docs/fieldruns.md` draws the same tables
(kept in step by `core/tests/test_workflow_docs.py`)."""

from __future__ import annotations

from bangban.core.kit import move, table

from .models import ItemStatus, RunStatus

# A unit head books a run (已预约), records it after the run (已完成), makes its problems
# rectification items (整改中) and closes it (已销号) once every item is verified; a booked run
# may be cancelled with a reason.
RUN = table(
    "fieldruns.run",
    RunStatus,
    "跑现场记录",
    [
        move("record", "记录跑现场", [RunStatus.BOOKED], RunStatus.DONE),
        move("cancel", "取消预约", [RunStatus.BOOKED], RunStatus.CANCELLED),
        move("add_item", "交办整改事项", [RunStatus.DONE, RunStatus.RECTIFYING], RunStatus.RECTIFYING),
        move("raise_case", "转为诉求", [RunStatus.DONE, RunStatus.RECTIFYING], RunStatus.RECTIFYING),
        move("close", "销号", [RunStatus.DONE, RunStatus.RECTIFYING], RunStatus.CLOSED),
    ],
    initial=[RunStatus.BOOKED],
)

# The owner unit (or the run's unit head) reports the item done with what changed; the run's unit
# head verifies it (已核验销项) or sends it back (整改中) with a note.
ITEM = table(
    "fieldruns.item",
    ItemStatus,
    "整改事项",
    [
        move("report", "报告整改完成", [ItemStatus.OPEN], ItemStatus.REPORTED),
        move("verify", "核验销项", [ItemStatus.REPORTED], ItemStatus.VERIFIED),
        move("send_back", "退回重新整改", [ItemStatus.REPORTED], ItemStatus.OPEN),
    ],
    initial=[ItemStatus.OPEN],
)

TABLES = [RUN, ITEM]
