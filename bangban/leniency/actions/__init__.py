"""Every change of the leniency registers (R9.2). Each `do_*` checks who acts, validates, runs in one
transaction that locks what it changes, and records one audit event.

One submodule per job, re-exported here (import from `bangban.leniency.actions`): `catalogue`
(司法局's .xlsx import of the 免罚轻罚清单, retiring an item), `decisions` (the decision aid and
司法局's review), `exports` (audited exports) and `labels` (the audit actions' names)."""

from __future__ import annotations

from .catalogue import (
    do_apply_catalogue_import,
    do_cancel_catalogue_import,
    do_preview_catalogue_import,
    do_retire_item,
)
from .decisions import (
    DecisionInput,
    Prepared,
    do_record_decision,
    do_review_decision,
    prepare_decision,
    read_facts,
)
from .exports import do_record_export
from .labels import ACTION_LABELS

__all__ = [
    "ACTION_LABELS",
    "DecisionInput",
    "Prepared",
    "do_apply_catalogue_import",
    "do_cancel_catalogue_import",
    "do_preview_catalogue_import",
    "do_record_decision",
    "do_record_export",
    "do_retire_item",
    "do_review_decision",
    "prepare_decision",
    "read_facts",
]
