from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_cache():
    """The page caches the distinct actions and object types for a few minutes."""
    cache.clear()
    yield
    cache.clear()
