"""The outreach app's state machines as data — pure, no queries.

Each table says which action moves a row from which state to which; the actions (`projects.py`,
`policies.py`, `policy_import.py`, `forums.py`, `symposia.py`) call `check` before every status
change, and `docs/outreach.md` draws the same tables (kept in step by
`core/tests/test_workflow_docs.py`).
"""

from __future__ import annotations

from bangban.core.kit import move, table

from .models import (
    NominationStatus,
    OpinionStatus,
    PolicyImportStatus,
    ProcedureStatus,
    ProjectStage,
    PushStatus,
    ReportStatus,
    SymposiumStatus,
)

# A project's stage is set by whoever edits it, to any other stage (a project may go back, e.g.
# from 审批办理 to 洽谈 when the investor reconsiders).
PROJECT = table(
    "outreach.project",
    ProjectStage,
    "项目",
    [move(f"stage_{s.value}", f"改为“{s.label}”", set(ProjectStage) - {s}, s) for s in ProjectStage],
    initial=ProjectStage.values,
)

# 全程代办 procedures move by progress notes until done; a 告知 procedure is registered as 已告知
# and never moves.
_PROXY_OPEN = [ProcedureStatus.PENDING, ProcedureStatus.IN_PROGRESS]
PROCEDURE = table(
    "outreach.procedure",
    ProcedureStatus,
    "代办事项",
    [
        move("progress_pending", "登记进展（未开始）", _PROXY_OPEN, ProcedureStatus.PENDING),
        move("progress", "登记进展（办理中）", _PROXY_OPEN, ProcedureStatus.IN_PROGRESS),
        move("complete", "登记进展（已办结）", _PROXY_OPEN, ProcedureStatus.DONE),
    ],
    initial=[ProcedureStatus.PENDING, ProcedureStatus.INFORMED],
)

POLICY_IMPORT = table(
    "outreach.policy_import",
    PolicyImportStatus,
    "政策导入",
    [
        move("apply", "确认导入", [PolicyImportStatus.PREVIEWED], PolicyImportStatus.APPLIED),
        move("cancel", "取消导入", [PolicyImportStatus.PREVIEWED], PolicyImportStatus.CANCELLED),
    ],
    initial=[PolicyImportStatus.PREVIEWED],
)

# A push runs in the request or in a background task; a rerun (after a lost worker or a failure)
# goes on from its committed progress. A symposium's push is delivered at once (created done).
PUSH = table(
    "outreach.push",
    PushStatus,
    "政策推送",
    [
        move(
            "run", "开始推送", [PushStatus.QUEUED, PushStatus.RUNNING, PushStatus.FAILED], PushStatus.RUNNING
        ),
        move("finish", "推送完成", [PushStatus.RUNNING], PushStatus.DONE),
        move("fail", "推送失败", [PushStatus.RUNNING], PushStatus.FAILED),
    ],
    initial=[PushStatus.QUEUED, PushStatus.DONE],
)

# Every enterprise concerned may rate the answer once; the first rating makes it 已评价.
OPINION = table(
    "outreach.opinion",
    OpinionStatus,
    "意见",
    [
        move("answer", "答复", [OpinionStatus.SUBMITTED], OpinionStatus.ANSWERED),
        move("rate", "企业评价", [OpinionStatus.ANSWERED, OpinionStatus.RATED], OpinionStatus.RATED),
    ],
    initial=[OpinionStatus.SUBMITTED],
)

REPORT = table(
    "outreach.report",
    ReportStatus,
    "监督员反映的问题",
    [
        move("forward", "转办", [ReportStatus.SUBMITTED], ReportStatus.FORWARDED),
        move("decline", "不予转办", [ReportStatus.SUBMITTED], ReportStatus.DECLINED),
    ],
    initial=[ReportStatus.SUBMITTED],
)

SYMPOSIUM = table(
    "outreach.symposium",
    SymposiumStatus,
    "座谈会",
    [
        move("nominate", "推荐人选", [SymposiumStatus.NOMINATING], SymposiumStatus.NOMINATING),
        move("select", "确定人选", [SymposiumStatus.NOMINATING], SymposiumStatus.SELECTED),
        move("hold", "登记召开", [SymposiumStatus.SELECTED], SymposiumStatus.HELD),
    ],
    initial=[SymposiumStatus.NOMINATING],
)

# Selection settles every nomination of the symposium at once.
NOMINATION = table(
    "outreach.nomination",
    NominationStatus,
    "座谈会人选",
    [
        move("select", "入选", [NominationStatus.PENDING], NominationStatus.SELECTED),
        move("pass_over", "未入选", [NominationStatus.PENDING], NominationStatus.NOT_SELECTED),
    ],
    initial=[NominationStatus.PENDING],
)

TABLES = [PROJECT, PROCEDURE, POLICY_IMPORT, PUSH, OPINION, REPORT, SYMPOSIUM, NOMINATION]
