"""The escalation app's state machines as data — pure, no queries.

Each table says which action moves a row from which state to which, as `actions.py` does today;
`docs/escalation.md` draws the same tables (kept in step by `core/tests/test_workflow_docs.py`).
"""

from __future__ import annotations

from bangban.core.kit import move, table

from .models import DisputeStatus, MeetingStatus, ReviewStage, SupervisionStatus, TaskStatus

# 会办会议: minutes recorded with "the meeting was held" mark it held (again, when corrected);
# draft minutes of a planned meeting leave it planned.
MEETING = table(
    "escalation.meeting",
    MeetingStatus,
    "会议",
    [move("hold", "记录纪要并确认召开", [MeetingStatus.PLANNED, MeetingStatus.HELD], MeetingStatus.HELD)],
    initial=[MeetingStatus.PLANNED],
)

TASK = table(
    "escalation.task",
    TaskStatus,
    "会议任务",
    [move("complete", "完成任务", [TaskStatus.OPEN], TaskStatus.DONE)],
    initial=[TaskStatus.OPEN],
)

# 市长直通车: classified, then signed in turn (对口联系副秘书长 → 秘书长 → 分管市长), each accepting or
# returning one stage; a major problem goes from the 秘书长 to a 会商 instead; 市政府办公室 dispatch a
# signed (or consulted, once the meeting was held) case, and again after it came back undispatched.
REVIEW = table(
    "escalation.review",
    ReviewStage,
    "市长直通车诉求",
    [
        move("classify", "分类", [ReviewStage.COLLECTED], ReviewStage.DEPUTY),
        move("deputy_accept", "副秘书长同意", [ReviewStage.DEPUTY], ReviewStage.SECRETARY),
        move("deputy_return", "副秘书长退回", [ReviewStage.DEPUTY], ReviewStage.COLLECTED),
        move("secretary_accept", "秘书长同意（一般问题）", [ReviewStage.SECRETARY], ReviewStage.VICE_MAYOR),
        move("secretary_return", "秘书长退回", [ReviewStage.SECRETARY], ReviewStage.DEPUTY),
        move("consult", "秘书长提请会商（重大问题）", [ReviewStage.SECRETARY], ReviewStage.CONSULT),
        move("vice_mayor_accept", "分管市长同意", [ReviewStage.VICE_MAYOR], ReviewStage.READY),
        move("vice_mayor_return", "分管市长退回", [ReviewStage.VICE_MAYOR], ReviewStage.SECRETARY),
        move(
            "dispatch",
            "交办",
            [ReviewStage.READY, ReviewStage.CONSULT, ReviewStage.DISPATCHED],
            ReviewStage.DISPATCHED,
        ),
    ],
    initial=[ReviewStage.COLLECTED],
)

DISPUTE = table(
    "escalation.dispute",
    DisputeStatus,
    "职责异议",
    [move("decide", "专班认定", [DisputeStatus.PENDING], DisputeStatus.DECIDED)],
    initial=[DisputeStatus.PENDING],
)

SUPERVISION = table(
    "escalation.supervision",
    SupervisionStatus,
    "督办",
    [move("respond", "答复督办", [SupervisionStatus.OPEN], SupervisionStatus.ANSWERED)],
    initial=[SupervisionStatus.OPEN],
)

TABLES = [MEETING, TASK, REVIEW, DISPUTE, SUPERVISION]
