"""Every change of 局长跑现场 (R2.5). Each `do_*` checks who acts, validates, runs in one
transaction that locks what it changes, and records one audit event.

`runs` (book, record, cancel, close), `items` (rectification items and cases made of the problems
found) and `labels` (the audit actions' names), re-exported here."""

from __future__ import annotations

from .items import ItemInput, deadline_of, do_add_item, do_raise_case, do_report_item, do_verify_item
from .labels import ACTION_LABELS
from .runs import RecordInput, RunInput, do_book_run, do_cancel_run, do_close_run, do_record_run

__all__ = [
    "ACTION_LABELS",
    "ItemInput",
    "RecordInput",
    "RunInput",
    "deadline_of",
    "do_add_item",
    "do_book_run",
    "do_cancel_run",
    "do_close_run",
    "do_raise_case",
    "do_record_run",
    "do_report_item",
    "do_verify_item",
]
