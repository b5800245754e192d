"""Every change to the enterprise registry (R0.2). Each `do_*` runs in one transaction, checks
access itself, locks what it changes, and leaves one audit event.

One submodule per job, re-exported here (import from `bangban.enterprises.actions`): `registry`
(create, edit, activity, 工作联络员), `imports` (the Excel import: preview, apply, cancel), `exports`
(the audit record of an export). Field errors and the USCC rule they share are in `_common`.
"""

from __future__ import annotations

from ._common import BatchClosed, EnterpriseInvalid, duplicate_uscc_error
from .exports import do_record_export
from .imports import do_apply_import, do_cancel_import, do_preview_import
from .registry import do_create_enterprise, do_set_enterprise_active, do_update_enterprise, do_update_liaison

__all__ = [
    "BatchClosed",
    "EnterpriseInvalid",
    "do_apply_import",
    "do_cancel_import",
    "do_create_enterprise",
    "do_preview_import",
    "do_record_export",
    "do_set_enterprise_active",
    "do_update_enterprise",
    "do_update_liaison",
    "duplicate_uscc_error",
]
