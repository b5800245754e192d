"""The supervision app's state machines as data — pure, no queries.

Each table says which action moves a row from which state to which, as `actions.py` does today;
`docs/supervision.md` draws the same tables (kept in step by `core/tests/test_workflow_docs.py`).
"""

from __future__ import annotations

from bangban.core.kit import move, table

from .models import AccountabilityStatus, CaseAnalysisStatus, LedgerStatus, NoticeStatus, RankingStatus

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

# 分析研判 (R10): the unit edits its draft and submits it; a submitted 研判 is the unit's record.
ANALYSIS = table(
    "supervision.analysis",
    CaseAnalysisStatus,
    "分析研判",
    [
        move("edit", "修改", [CaseAnalysisStatus.DRAFT], CaseAnalysisStatus.DRAFT),
        move("submit", "提交", [CaseAnalysisStatus.DRAFT], CaseAnalysisStatus.SUBMITTED),
    ],
    initial=[CaseAnalysisStatus.DRAFT],
)

TABLES = [RANKING, NOTICE, LEDGER, ACCOUNTABILITY, ANALYSIS]
