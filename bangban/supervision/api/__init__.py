"""`/api/v1/supervision`: settings, monthly rankings with drill-down, notices (通报), ledgers,
accountability records and dashboard data. Every operation calls the same action as the pages;
errors come back as `{code, message}`."""

from __future__ import annotations

# In the order the operations were declared: the router lists them (and the OpenAPI
# document shows them) in the order the submodules are imported.
from ._common import LEDGER_ERRORS, NOTICE_ERRORS, RANKING_ERRORS, RECORD_ERRORS, SETTINGS_ERRORS, router

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
from .special import (
    NEGATIVE_ERRORS,
    SPECIAL_ERRORS,
    NegativeCaseIn,
    NegativeCaseOut,
    SpecialCheckIn,
    SpecialDetailOut,
    SpecialIn,
    SpecialItemOut,
    SpecialItemsIn,
    SpecialOut,
    SpecialReportOut,
    add_negative_case,
    add_special_items,
    check_special_item,
    close_special,
    create_special,
    get_special,
    list_negative_cases,
    list_specials,
    remove_negative_case,
    remove_special_item,
    special_report,
    start_special,
)

# isort: split

__all__ = [
    "LEDGER_ERRORS",
    "NEGATIVE_ERRORS",
    "NOTICE_ERRORS",
    "RANKING_ERRORS",
    "RECORD_ERRORS",
    "SETTINGS_ERRORS",
    "SPECIAL_ERRORS",
    "ComputeIn",
    "GenerateIn",
    "InactionFindingOut",
    "InactionMonthOut",
    "InactionQueuedOut",
    "LedgerDetail",
    "LedgerIn",
    "LedgerOut",
    "NegativeCaseIn",
    "NegativeCaseOut",
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
    "SpecialCheckIn",
    "SpecialDetailOut",
    "SpecialIn",
    "SpecialItemOut",
    "SpecialItemsIn",
    "SpecialOut",
    "SpecialReportOut",
    "SupervisionCaseOut",
    "SupervisionCasePage",
    "SupervisionDecideIn",
    "add_negative_case",
    "add_special_items",
    "check_special_item",
    "close_special",
    "compute_ranking",
    "create_notice",
    "create_record",
    "create_special",
    "dashboard_data",
    "dashboard_refresh",
    "decide_record",
    "drill",
    "edit_notice",
    "freeze_ranking",
    "generate_ledgers",
    "get_ledger",
    "get_notice",
    "get_ranking",
    "get_settings",
    "get_special",
    "inaction_cases",
    "inaction_detect",
    "inaction_findings",
    "issue_notice",
    "list_ledgers",
    "list_negative_cases",
    "list_notices",
    "list_rankings",
    "list_records",
    "list_specials",
    "meeting_pack",
    "notice_docx",
    "put_settings",
    "remove_negative_case",
    "remove_special_item",
    "review_notice",
    "router",
    "save_ledger",
    "special_report",
    "start_special",
]
