"""The case system's `cases` cast, for the routing suggestion tests; each test starts without a
routing model in the process (as a freshly started web process would)."""

from collections.abc import Iterator

import pytest

from bangban.insight.advisor import forget_cached_model
from bangban.tickets.tests.conftest import cases  # noqa: F401 (a fixture, used by name)


@pytest.fixture(autouse=True)
def _no_cached_routing_model() -> Iterator[None]:
    forget_cached_model()
    yield
    forget_cached_model()
