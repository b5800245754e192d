"""The demo city shows a drawn, announced and partly published plan."""

from __future__ import annotations

from typing import Any

import pytest

from bangban.inspections.models import Link, Plan, PlanStatus, Publication
from bangban.shell.demo import load_demo_city


@pytest.mark.django_db
def test_the_demo_city_has_a_plan_drawn_and_partly_published(demo_clock: Any) -> None:
    load_demo_city(now=demo_clock)
    plan = Plan.objects.get()
    assert plan.status == PlanStatus.ANNOUNCED and plan.seed and plan.visits.count() > 5
    states = set(plan.visits.values_list("state", flat=True))
    assert {Publication.PUBLISHED, Publication.RECORDED, Publication.PENDING} <= states
    assert Link.objects.count() == 2
    load_demo_city(now=demo_clock)  # idempotent
    assert Plan.objects.count() == 1
