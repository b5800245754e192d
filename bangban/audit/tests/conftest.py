from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_cache():
    """The page caches the distinct actions and object types for a few minutes."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def workday_calendar(db):
    """These tests read the log event by event (sequence numbers 1, 2, 3 …), so their `world` has no
    working-day calendar set up: loading it would write the log's first events. (Reading the
    calendar writes nothing, so the log holds only what each test does.)"""
    return []
