"""Retry policy of the outbox. Pure: no ORM."""

from __future__ import annotations

import random

BASE_DELAY_SECONDS = 30
MAX_DELAY_SECONDS = 3600
JITTER_FRACTION = 0.1


def backoff_seconds(attempts: int, jitter: float | None = None) -> float:
    """Delay before the next try after `attempts` failed tries: 30 s × 2^(attempts−1), capped at one
    hour, plus up to 10 % jitter so that messages failing together do not retry in lockstep.
    `jitter` in [0, 1) picks the jitter (random when None)."""
    attempts = max(1, attempts)
    delay = min(MAX_DELAY_SECONDS, BASE_DELAY_SECONDS * 2 ** min(attempts - 1, 30))
    fraction = random.random() if jitter is None else min(max(jitter, 0.0), 1.0)
    return delay + delay * JITTER_FRACTION * fraction


def is_final_attempt(attempts: int, max_attempts: int) -> bool:
    return attempts >= max_attempts
