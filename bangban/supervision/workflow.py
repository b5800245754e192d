"""The supervision app's state machines as data — pure, no queries.

Each table says which action moves a row from which state to which, as `actions.py` does today;
`docs/supervision.md` draws the same tables (kept in step by `core/tests/test_workflow_docs.py`).
"""

from __future__ import annotations

from bangban.core.kit import move, table

from .models import AccountabilityStatus, LedgerStatus, NoticeStatus, RankingStatus, SpecialStatus

RANKING = table(
    "supervision.ranking",
    RankingStatus,
    "排名",
    [
        move("compute", "重算草稿", [RankingStatus.DRAFT], RankingStatus.DRAFT),
        move("freeze", "冻结", [RankingStatus.DRAFT], RankingStatus.FROZEN),
    ],
    initial=[RankingStatus.DRAFT],
)

# An edit of a reviewed notice sends it back to draft; an issued notice is immutable.
NOTICE = table(
    "supervision.notice",
    NoticeStatus,
    "通报",
    [
        move("review", "审核", [NoticeStatus.DRAFT], NoticeStatus.REVIEWED),
        move("edit", "修改", [NoticeStatus.DRAFT, NoticeStatus.REVIEWED], NoticeStatus.DRAFT),
        move("issue", "印发", [NoticeStatus.REVIEWED], NoticeStatus.ISSUED),
    ],
    initial=[NoticeStatus.DRAFT],
)

LEDGER = table(
    "supervision.ledger",
    LedgerStatus,
    "台账",
    [
        move("save_notes", "填写说明", [LedgerStatus.PENDING], LedgerStatus.PENDING),
        move("submit", "报送", [LedgerStatus.PENDING], LedgerStatus.SUBMITTED),
    ],
    initial=[LedgerStatus.PENDING],
)

_UNDECIDED = [AccountabilityStatus.PROPOSED, AccountabilityStatus.CONFIRMED]

ACCOUNTABILITY = table(
    "supervision.accountability",
    AccountabilityStatus,
    "奖惩问责记录",
    [
        move("confirm", "确定", _UNDECIDED, AccountabilityStatus.CONFIRMED),
        move("complete", "完成", _UNDECIDED, AccountabilityStatus.DONE),
        move("drop", "撤销", _UNDECIDED, AccountabilityStatus.DROPPED),
    ],
    initial=[AccountabilityStatus.PROPOSED],
)

# 专项督查: the list is chosen while 立项; progress is recorded while 督查中; 办结 stores the report.
SPECIAL = table(
    "supervision.special",
    SpecialStatus,
    "专项督查",
    [
        move("edit_items", "调整督查清单", [SpecialStatus.PLANNED], SpecialStatus.PLANNED),
        move("start", "启动督查", [SpecialStatus.PLANNED], SpecialStatus.ACTIVE),
        move("check", "登记督查结论", [SpecialStatus.ACTIVE], SpecialStatus.ACTIVE),
        move("close", "办结并形成报告", [SpecialStatus.ACTIVE], SpecialStatus.CLOSED),
    ],
    initial=[SpecialStatus.PLANNED],
)

TABLES = [RANKING, NOTICE, LEDGER, ACCOUNTABILITY, SPECIAL]
