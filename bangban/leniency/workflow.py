"""The state machines of the leniency registers as data — pure, no queries.

The actions call `check` before every status change, and `docs/leniency.md` draws the same tables
(kept in step by `core/tests/test_workflow_docs.py`)."""

from __future__ import annotations

from bangban.core.kit import move, table

from .models import ImportStatus, Review

# An inspector records a decision (已决定); 司法局 reviews it once: approves it or corrects it with a
# note.
REVIEW = table(
    "leniency.review",
    Review,
    "免罚轻罚决定",
    [
        move("approve", "审查通过", [Review.DECIDED], Review.APPROVED),
        move("correct", "审查纠正", [Review.DECIDED], Review.CORRECTED),
    ],
    initial=[Review.DECIDED],
)

# An uploaded catalogue file waits for its uploader to confirm (the rows enter the catalogue) or
# cancel it.
CATALOGUE_IMPORT = table(
    "leniency.catalogue_import",
    ImportStatus,
    "清单导入",
    [
        move("apply", "确认导入", [ImportStatus.PREVIEWED], ImportStatus.APPLIED),
        move("cancel", "取消导入", [ImportStatus.PREVIEWED], ImportStatus.CANCELLED),
    ],
    initial=[ImportStatus.PREVIEWED],
)

TABLES = [REVIEW, CATALOGUE_IMPORT]
