"""Pages of supervision (/supervision/…): rankings with drill-down and export, settings, notices,
ledgers, accountability, dashboards and the monthly analysis meeting pack."""

from __future__ import annotations

from ._common import DOCX_TYPE, docx_response, page
from .analysis import analyses, analysis_detail, analysis_meeting, analysis_meetings, analysis_new
from .dashboards import cases, dashboard_page, dashboard_refresh, dashboard_status, meeting_pack
from .inaction import inaction_cases, inaction_page
from .ledgers import accountability, accountability_decide, ledger_detail, ledger_list
from .notices import notice, notice_action, notice_download, notices
from .ranking_settings import SETTINGS_FIELDS, settings_page
from .rankings import drill, index, ranking, ranking_compute, ranking_freeze, rankings
from .special import special_action, special_detail, special_report, specials
from .stars import star_decide, star_round, star_round_action, star_rounds
from .transfers import accountability_transfer, transfer, transfer_case, transfers

__all__ = [
    "DOCX_TYPE",
    "SETTINGS_FIELDS",
    "accountability",
    "accountability_decide",
    "accountability_transfer",
    "analyses",
    "analysis_detail",
    "analysis_meeting",
    "analysis_meetings",
    "analysis_new",
    "cases",
    "dashboard_page",
    "dashboard_refresh",
    "dashboard_status",
    "docx_response",
    "drill",
    "inaction_cases",
    "inaction_page",
    "index",
    "ledger_detail",
    "ledger_list",
    "meeting_pack",
    "notice",
    "notice_action",
    "notice_download",
    "notices",
    "page",
    "ranking",
    "ranking_compute",
    "ranking_freeze",
    "rankings",
    "settings_page",
    "special_action",
    "special_detail",
    "special_report",
    "specials",
    "star_decide",
    "star_round",
    "star_round_action",
    "star_rounds",
    "transfer",
    "transfer_case",
    "transfers",
]
