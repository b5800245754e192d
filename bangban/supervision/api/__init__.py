"""`/api/v1/supervision`: settings, monthly rankings with drill-down, notices (通报), ledgers,
accountability records and dashboard data. Every operation calls the same action as the pages;
errors come back as `{code, message}`."""

from __future__ import annotations

# In the order the operations were declared: the router lists them (and the OpenAPI
# document shows them) in the order the submodules are imported.
from ._common import (
    ANALYSIS_ERRORS,
    ANALYSIS_MEETING_ERRORS,
    LEDGER_ERRORS,
    NOTICE_ERRORS,
    RANKING_ERRORS,
    RECORD_ERRORS,
    SETTINGS_ERRORS,
    router,
)

# isort: split
from .rankings import (
    ComputeIn,
    RankingBrief,
    RankingOut,
    RowOut,
    SettingsIn,
    SettingsOut,
    SupervisionCaseOut,
    SupervisionCasePage,
    compute_ranking,
    drill,
    freeze_ranking,
    get_ranking,
    get_settings,
    list_rankings,
    put_settings,
)

# isort: split
from .notices import (
    NoticeEditIn,
    NoticeIn,
    NoticeOut,
    create_notice,
    edit_notice,
    get_notice,
    issue_notice,
    list_notices,
    notice_docx,
    review_notice,
)

# isort: split
from .ledgers import (
    GenerateIn,
    LedgerDetail,
    LedgerIn,
    LedgerOut,
    RecordIn,
    RecordOut,
    SupervisionDecideIn,
    create_record,
    decide_record,
    generate_ledgers,
    get_ledger,
    list_ledgers,
    list_records,
    save_ledger,
)

# isort: split
from .dashboards import dashboard_data, dashboard_refresh, meeting_pack

# isort: split
from .inaction import (
    InactionFindingOut,
    InactionMonthOut,
    InactionQueuedOut,
    inaction_cases,
    inaction_detect,
    inaction_findings,
)

# isort: split
from .analysis import (
    AnalysisMeetingIn,
    AnalysisMonthOut,
    AnalysisTaskCounts,
    CaseAnalysisIn,
    CaseAnalysisOut,
    create_analysis,
    get_analysis,
    list_analyses,
    list_analysis_months,
    schedule_analysis_meeting,
    update_analysis,
)

# isort: split

__all__ = [
    "ANALYSIS_ERRORS",
    "ANALYSIS_MEETING_ERRORS",
    "LEDGER_ERRORS",
    "NOTICE_ERRORS",
    "RANKING_ERRORS",
    "RECORD_ERRORS",
    "SETTINGS_ERRORS",
    "AnalysisMeetingIn",
    "AnalysisMonthOut",
    "AnalysisTaskCounts",
    "CaseAnalysisIn",
    "CaseAnalysisOut",
    "ComputeIn",
    "GenerateIn",
    "InactionFindingOut",
    "InactionMonthOut",
    "InactionQueuedOut",
    "LedgerDetail",
    "LedgerIn",
    "LedgerOut",
    "NoticeEditIn",
    "NoticeIn",
    "NoticeOut",
    "RankingBrief",
    "RankingOut",
    "RecordIn",
    "RecordOut",
    "RowOut",
    "SettingsIn",
    "SettingsOut",
    "SupervisionCaseOut",
    "SupervisionCasePage",
    "SupervisionDecideIn",
    "compute_ranking",
    "create_analysis",
    "create_notice",
    "create_record",
    "dashboard_data",
    "dashboard_refresh",
    "decide_record",
    "drill",
    "edit_notice",
    "freeze_ranking",
    "generate_ledgers",
    "get_analysis",
    "get_ledger",
    "get_notice",
    "get_ranking",
    "get_settings",
    "inaction_cases",
    "inaction_detect",
    "inaction_findings",
    "issue_notice",
    "list_analyses",
    "list_analysis_months",
    "list_ledgers",
    "list_notices",
    "list_rankings",
    "list_records",
    "meeting_pack",
    "notice_docx",
    "put_settings",
    "review_notice",
    "router",
    "save_ledger",
    "schedule_analysis_meeting",
    "update_analysis",
]
