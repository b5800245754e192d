"""Pages of the conduct registers: the 负面清单, the 入企登记簿 (list, registering from a page or by the
gate QR code on a phone, an entry, unregistered entries) and 作风办's flags, figures and settings.
Every change goes through `actions`."""

from __future__ import annotations

from .entries import entry_create, entry_detail, entry_list, unregistered_create
from .gate import gate_print, gate_scan, gate_url
from .negative_list import negative_list, negative_list_new, parse_items
from .oversight import figures, figures_export, flags, settings_page
from .problems import (
    problem_detail,
    problem_new,
    problems,
    problems_export,
    problems_monthly,
    problems_monthly_export,
)
from .snap import snap_detail, snap_export, snap_phone, snap_queue
from .snap_public import snap_board, snap_done, snap_new, snap_track, snap_unit
from .ztc import designation_end, designation_new, designations, designations_export, return_call_new

__all__ = [
    "designation_end",
    "designation_new",
    "designations",
    "designations_export",
    "entry_create",
    "entry_detail",
    "entry_list",
    "figures",
    "figures_export",
    "flags",
    "gate_print",
    "gate_scan",
    "gate_url",
    "negative_list",
    "negative_list_new",
    "parse_items",
    "problem_detail",
    "problem_new",
    "problems",
    "problems_export",
    "problems_monthly",
    "problems_monthly_export",
    "return_call_new",
    "settings_page",
    # 随手拍 and the complaint phone
    "snap_board",
    "snap_detail",
    "snap_done",
    "snap_export",
    "snap_new",
    "snap_phone",
    "snap_queue",
    "snap_track",
    "snap_unit",
    "unregistered_create",
]
