"""Pages of 政社企沟通 (R5) and 企业家座谈会 (R13): the 议事厅 (opinions, answers, ratings), the
volunteer supervisors' phone page and 营商办's handling of their reports, 恳谈会/宿商讲坛 events,
and the half-yearly symposia."""

from __future__ import annotations

from .associations import association_accounts, association_create, association_list
from .events import attendance_export, event_create, event_detail, event_export, event_list
from .opinions import opinion_create, opinion_detail, opinion_export, opinion_list
from .reports import report_create, report_detail, report_export, report_list
from .symposia import symposium_create, symposium_detail, symposium_list

__all__ = [
    "association_accounts",
    "association_create",
    "association_list",
    "attendance_export",
    "event_create",
    "event_detail",
    "event_export",
    "event_list",
    "opinion_create",
    "opinion_detail",
    "opinion_export",
    "opinion_list",
    "report_create",
    "report_detail",
    "report_export",
    "report_list",
    "symposium_create",
    "symposium_detail",
    "symposium_list",
]
