"""The supervision app's state machines as data — pure, no queries.

Each table says which action moves a row from which state to which, as `actions.py` does today;
`docs/supervision.md` draws the same tables (kept in step by `core/tests/test_workflow_docs.py`).
"""

from __future__ import annotations

from bangban.core.kit import move, table

from .models import (
    AccountabilityStatus,
    CaseAnalysisStatus,
    LedgerStatus,
    NoticeStatus,
    RankingStatus,
    SpecialStatus,
    StarDecision,
    StarRoundStatus,
    TransferStatus,
)

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

# 作风之星 (R15.1): nominations while 提名中; decisions while 评审中; a published round is final.
STAR_ROUND = table(
    "supervision.star_round",
    StarRoundStatus,
    "作风之星评选",
    [
        move("nominate", "推荐", [StarRoundStatus.NOMINATING], StarRoundStatus.NOMINATING),
        move("close", "截止推荐", [StarRoundStatus.NOMINATING], StarRoundStatus.REVIEWING),
        move("decide", "评审", [StarRoundStatus.REVIEWING], StarRoundStatus.REVIEWING),
        move("publish", "公布", [StarRoundStatus.REVIEWING], StarRoundStatus.PUBLISHED),
    ],
    initial=[StarRoundStatus.NOMINATING],
)

# A decision may be changed until the round is published (the round's table guards that).
STAR_NOMINATION = table(
    "supervision.star_nomination",
    StarDecision,
    "作风之星提名",
    [
        move(
            "select",
            "评选为作风之星",
            [StarDecision.PENDING, StarDecision.SELECTED, StarDecision.NOT_SELECTED],
            StarDecision.SELECTED,
        ),
        move(
            "reject",
            "不予评选",
            [StarDecision.PENDING, StarDecision.SELECTED, StarDecision.NOT_SELECTED],
            StarDecision.NOT_SELECTED,
        ),
    ],
    initial=[StarDecision.PENDING],
)

# 移送纪委监委 (R15.2): the sender records the hand-over; 纪委监委 confirms receipt, then records the outcome.
TRANSFER = table(
    "supervision.transfer",
    TransferStatus,
    "移送纪委监委",
    [
        move("receive", "确认接收", [TransferStatus.SENT], TransferStatus.RECEIVED),
        move("conclude", "反馈处理结果", [TransferStatus.RECEIVED], TransferStatus.CONCLUDED),
    ],
    initial=[TransferStatus.SENT],
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

TABLES = [RANKING, NOTICE, LEDGER, ACCOUNTABILITY, SPECIAL, STAR_ROUND, STAR_NOMINATION, TRANSFER, ANALYSIS]
