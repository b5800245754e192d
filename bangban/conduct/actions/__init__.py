"""Every change of the conduct registers (R7.2). Each `do_*` checks who acts, validates, runs in one
transaction that locks the row it changes, and records one audit event.

One submodule per job, re-exported here (import from `bangban.conduct.actions`): `negative_list`
(作风办 publishes a version of the 负面清单), `settings` (quiet period, monthly limit, gate code
validity), `entries` (register, leave, the enterprise's answer), `reports` (unregistered entries),
`ztc` (直通车企业 and 观察点, 电话回访), `problems` (the 问题清单 and 转办), `exports` (audited exports) and `labels` (the audit actions' names)."""

from __future__ import annotations

from .entries import DECISIONS, EntryInput, do_leave_entry, do_register_entry, do_respond_entry
from .exports import do_record_figures_export
from .labels import ACTION_LABELS
from .negative_list import do_publish_negative_list
from .problems import ProblemInput, do_record_problem, do_resolve_problem, do_transfer_problem
from .reports import do_report_unregistered
from .settings import do_update_settings
from .snap import (
    SnapInput,
    do_conclude,
    do_dismiss,
    do_investigate,
    do_publish,
    do_record_snap_export,
    do_register_phone_complaint,
    do_start_verification,
    do_submit_snap,
)
from .ztc import do_designate, do_end_designation, do_record_return_call, do_record_ztc_export

__all__ = [
    "ACTION_LABELS",
    "DECISIONS",
    "EntryInput",
    "ProblemInput",
    # 随手拍 and the complaint phone (snap.py)
    "SnapInput",
    "do_conclude",
    "do_designate",
    "do_dismiss",
    "do_end_designation",
    "do_investigate",
    "do_leave_entry",
    "do_publish",
    "do_publish_negative_list",
    "do_record_figures_export",
    "do_record_problem",
    "do_record_return_call",
    "do_record_snap_export",
    "do_record_ztc_export",
    "do_register_entry",
    "do_register_phone_complaint",
    "do_report_unregistered",
    "do_resolve_problem",
    "do_respond_entry",
    "do_start_verification",
    "do_submit_snap",
    "do_transfer_problem",
    "do_update_settings",
]
