"""Every change in 帮办代办 (R2.1). Each `do_*` checks who acts, validates with a Chinese message and a
stable code, runs in one durable transaction that locks what it changes, compares the version the
user read where the page sends one, asks the 代办 table (workflow.py) before a status change and
records one audit event.

One submodule per job, re-exported here: `sites` (sites and the roster), `records` (service records
and their rating), `errands` (代办: states, steps, materials, confirmation), `exports` (the export's
audit event), `labels` (the audit actions' names). Shared helpers are in `_common`."""

from __future__ import annotations

from .errands import (
    ErrandInput,
    do_add_material,
    do_close_errand,
    do_confirm_errand,
    do_log_step,
    do_open_errand,
    do_request_confirmation,
    do_return_material,
    do_send_back,
    do_start_errand,
    do_terminate_errand,
)
from .exports import record_export
from .labels import ACTION_LABELS
from .records import DUPLICATE_WINDOW, RecordInput, do_rate_record, do_record_service, event_ref
from .sites import SiteInput, do_add_to_roster, do_create_site, do_remove_from_roster, do_set_site_active

__all__ = [
    "ACTION_LABELS",
    "DUPLICATE_WINDOW",
    "ErrandInput",
    "RecordInput",
    "SiteInput",
    "do_add_material",
    "do_add_to_roster",
    "do_close_errand",
    "do_confirm_errand",
    "do_create_site",
    "do_log_step",
    "do_open_errand",
    "do_rate_record",
    "do_record_service",
    "do_remove_from_roster",
    "do_request_confirmation",
    "do_return_material",
    "do_send_back",
    "do_set_site_active",
    "do_start_errand",
    "do_terminate_errand",
    "event_ref",
    "record_export",
]
