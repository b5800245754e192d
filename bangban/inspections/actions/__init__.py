"""Every change of 双随机、一公开 (R9.1). Each `do_*` checks who acts, validates, runs in one
transaction that locks the row it changes, and records one audit event.

One submodule per job, re-exported here: `plans` (make, draw, announce, publish results), `visits`
(a team records its result), `registers` (credit tiers, qualifications, declared links), `exports`
and `labels` (the audit actions' names)."""

from __future__ import annotations

from .exports import do_record_draw_export
from .labels import ACTION_LABELS
from .plans import PlanInput, do_announce_draw, do_create_plan, do_draw_plan, do_publish_results
from .registers import (
    do_declare_link,
    do_import_tiers,
    do_remove_link,
    do_save_qualification,
    do_set_tier,
    parse_tier_lines,
)
from .visits import OUTCOMES, do_record_result

__all__ = [
    "ACTION_LABELS",
    "OUTCOMES",
    "PlanInput",
    "do_announce_draw",
    "do_create_plan",
    "do_declare_link",
    "do_draw_plan",
    "do_import_tiers",
    "do_publish_results",
    "do_record_draw_export",
    "do_record_result",
    "do_remove_link",
    "do_save_qualification",
    "do_set_tier",
    "parse_tier_lines",
]
