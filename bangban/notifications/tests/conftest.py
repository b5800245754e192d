from __future__ import annotations

import pytest

from bangban.notifications import backends


@pytest.fixture(autouse=True)
def memory_outbox():
    """What the MemoryBackend (SMS and e-mail in the test settings) sent during the test."""
    backends.sent.clear()
    yield backends.sent
    backends.sent.clear()
