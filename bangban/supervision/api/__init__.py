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
from .stars import (
    StarDecideIn,
    StarNominationIn,
    StarNominationOut,
    StarRoundDetail,
    StarRoundIn,
    StarRoundOut,
    StarVersionIn,
    close_star_round,
    decide_star_nomination,
    get_star_round,
    list_star_rounds,
    nominate_star,
    open_star_round,
    publish_star_round,
)

# isort: split
from .transfers import (
    HandoverCaseOut,
    HandoverDetail,
    HandoverIn,
    HandoverOut,
    HandoverOutcomeIn,
    HandoverReceiveIn,
    get_transfer,
    list_transfers,
    receive_transfer,
    transfer_outcome,
    transfer_record,
)

# isort: split

__all__ = [
    "LEDGER_ERRORS",
    "NOTICE_ERRORS",
    "RANKING_ERRORS",
    "RECORD_ERRORS",
    "SETTINGS_ERRORS",
    "ComputeIn",
    "GenerateIn",
    "HandoverCaseOut",
    "HandoverDetail",
    "HandoverIn",
    "HandoverOut",
    "HandoverOutcomeIn",
    "HandoverReceiveIn",
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
    "StarDecideIn",
    "StarNominationIn",
    "StarNominationOut",
    "StarRoundDetail",
    "StarRoundIn",
    "StarRoundOut",
    "StarVersionIn",
    "SupervisionCaseOut",
    "SupervisionCasePage",
    "SupervisionDecideIn",
    "close_star_round",
    "compute_ranking",
    "create_notice",
    "create_record",
    "dashboard_data",
    "dashboard_refresh",
    "decide_record",
    "decide_star_nomination",
    "drill",
    "edit_notice",
    "freeze_ranking",
    "generate_ledgers",
    "get_ledger",
    "get_notice",
    "get_ranking",
    "get_settings",
    "get_star_round",
    "get_transfer",
    "inaction_cases",
    "inaction_detect",
    "inaction_findings",
    "issue_notice",
    "list_ledgers",
    "list_notices",
    "list_rankings",
    "list_records",
    "list_star_rounds",
    "list_transfers",
    "meeting_pack",
    "nominate_star",
    "notice_docx",
    "open_star_round",
    "publish_star_round",
    "put_settings",
    "receive_transfer",
    "review_notice",
    "router",
    "save_ledger",
    "transfer_outcome",
    "transfer_record",
]
