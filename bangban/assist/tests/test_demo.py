"""The demo city's 帮办代办: sites at each level, one 代办 in each state, loaded once."""

from __future__ import annotations

from typing import Any

import pytest

from bangban.assist.models import Errand, RecordRating, ServiceRecord, Site
from bangban.org.models import SiteLevel
from bangban.shell.demo import load_demo_city

pytestmark = pytest.mark.django_db


def test_the_demo_has_every_level_and_every_state(demo_clock: Any) -> None:
    load_demo_city(demo_clock)
    assert {s.level for s in Site.objects.all()} == set(SiteLevel.values)
    assert sorted(Errand.objects.values_list("status", flat=True)) == sorted(
        ["accepted", "in_progress", "awaiting", "done", "terminated"]
    )
    assert ServiceRecord.objects.count() >= 8 and RecordRating.objects.exists()
    assert Errand.objects.get(status="done").confirmation == "online"
    count = ServiceRecord.objects.count()
    load_demo_city(demo_clock)
    assert ServiceRecord.objects.count() == count
