"""Pages of 双随机、一公开: plans and their draw, an inspector's tasks and a visit's result, the
public page, and the registers (credit tiers, qualifications, declared links). Every change goes
through `actions`."""

from __future__ import annotations

from .plans import plan_create, plan_detail, plan_export, plan_list
from .registers import registers
from .visits import my_tasks, public, public_plan, visit_detail

__all__ = [
    "my_tasks",
    "plan_create",
    "plan_detail",
    "plan_export",
    "plan_list",
    "public",
    "public_plan",
    "registers",
    "visit_detail",
]
