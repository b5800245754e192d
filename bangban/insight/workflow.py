"""The insight app's state machine as data — pure, no queries: the 类案督办 (a hotspot's systemic
task). Its actions (`hotspot_task_actions.py`) move a task only through `TASK.check`;
docs/text-intelligence.md draws the same table (kept in step by `core/tests/test_workflow_docs.py`).
"""

from __future__ import annotations

from bangban.core.kit import move, table

from .models_hotspots import TaskStatus

# The responsible unit answers once; its head approves (the answer then becomes the reply of every
# linked case still 办理中) or returns it with a comment, and the unit answers again.
TASK = table(
    "insight.hotspot_task",
    TaskStatus,
    "类案督办",
    [
        move("answer", "提交统一答复", [TaskStatus.OPEN], TaskStatus.REVIEW),
        move("return", "退回统一答复", [TaskStatus.REVIEW], TaskStatus.OPEN),
        move("approve", "审核通过并答复各诉求", [TaskStatus.REVIEW], TaskStatus.DONE),
    ],
    initial=[TaskStatus.OPEN],
)

TABLES = [TASK]
