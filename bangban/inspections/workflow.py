"""The state machines of a plan and of a visit's result, as data — pure, no queries.

The actions call `check` before every status change; `docs/inspections.md` draws the same tables
(kept in step by `core/tests/test_workflow_docs.py`).
"""

from __future__ import annotations

from bangban.core.kit import move, table

from .models import PlanStatus, Publication

# A plan is drawn (and may be drawn again, with a new seed, until the draw is announced); the
# announced draw is frozen; the plan is closed when every visit's result is public.
PLAN = table(
    "inspections.plan",
    PlanStatus,
    "抽查计划",
    [
        move("draw", "抽取", [PlanStatus.DRAFT, PlanStatus.DRAWN], PlanStatus.DRAWN),
        move("announce", "公示抽取结果", [PlanStatus.DRAWN], PlanStatus.ANNOUNCED),
        move("close", "公开检查结果", [PlanStatus.ANNOUNCED], PlanStatus.CLOSED),
    ],
    initial=[PlanStatus.DRAFT],
)

# A team records its visit's result (and may correct it until it is public); the lead unit
# publishes recorded results.
VISIT = table(
    "inspections.visit",
    Publication,
    "检查任务",
    [
        move("record", "录入检查结果", [Publication.PENDING, Publication.RECORDED], Publication.RECORDED),
        move("publish", "公开检查结果", [Publication.RECORDED], Publication.PUBLISHED),
    ],
    initial=[Publication.PENDING],
)

TABLES = [PLAN, VISIT]
