"""The state machine of a knowledge entry as data — pure, no queries.

The actions call `check` before every change, and `docs/knowledge.md` draws the same table (kept in
step by `core/tests/test_workflow_docs.py`)."""

from __future__ import annotations

from bangban.core.kit import move, table

from .models import EntryStatus

# 营商办 adds an entry (在用); it is edited and cited while in use, retired when it no longer holds,
# and restored when it holds again.
ENTRY = table(
    "knowledge.entry",
    EntryStatus,
    "知识条目",
    [
        move("update", "修改", [EntryStatus.ACTIVE], EntryStatus.ACTIVE),
        move("use", "引用", [EntryStatus.ACTIVE], EntryStatus.ACTIVE),
        move("retire", "停用", [EntryStatus.ACTIVE], EntryStatus.RETIRED),
        move("restore", "恢复", [EntryStatus.RETIRED], EntryStatus.ACTIVE),
    ],
    initial=[EntryStatus.ACTIVE],
)

TABLES = [ENTRY]
