"""The race-free counter behind every rate limit (`bangban.core.throttle`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from bangban.core import throttle
from bangban.core.models import RateCounter

T = dt.datetime(2026, 11, 27, 2, 1, tzinfo=dt.UTC)
TEN = dt.timedelta(minutes=10)


def test_the_counter_is_exact_and_refusals_do_not_grow_it(db: Any) -> None:
    assert throttle.window_start(T, TEN) == dt.datetime(2026, 11, 27, 2, 0, tzinfo=dt.UTC)
    assert [throttle.take("s", "k", 2, TEN, T) for _ in range(4)] == [True, True, False, False]
    assert list(RateCounter.objects.values_list("count", flat=True)) == [2]
    # A stale row is cleared when a new window's row is made.
    RateCounter.objects.create(key="old", window_start=T - dt.timedelta(days=3), count=9)
    assert throttle.take("s", "k", 2, TEN, T + TEN)
    assert not RateCounter.objects.filter(key="old").exists()
    assert sorted(RateCounter.objects.values_list("count", flat=True)) == [1, 2]
    # Scopes and subjects are counted apart, and nothing readable is stored.
    assert throttle.take("other", "k", 2, TEN, T)
    assert not RateCounter.objects.filter(key__contains="k").exclude(key__regex=r"^[0-9a-f]{64}$").exists()


def test_hit_raises_rate_limited_with_the_wait(db: Any) -> None:
    throttle.hit("s", "k", 1, TEN, "最多 {limit} 次，请 {minutes} 分钟后再试", T)
    with pytest.raises(throttle.RateLimited) as exc:
        throttle.hit("s", "k", 1, TEN, "最多 {limit} 次，请 {minutes} 分钟后再试", T)
    assert exc.value.status == 429 and exc.value.code == "rate_limited"
    assert exc.value.message == "最多 1 次，请 9 分钟后再试"
    assert exc.value.details == {"retry_after": 540, "limit": 1}


@pytest.mark.django_db(transaction=True)
def test_concurrent_uses_never_pass_the_limit() -> None:
    """Several processes share the counter: eight requests at once for three slots (PostgreSQL)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions need PostgreSQL")
    import threading

    from django.db import connections

    taken: list[bool] = []
    barrier = threading.Barrier(8)

    def request() -> None:
        try:
            barrier.wait()
            taken.append(throttle.take("s", "shared", 3, TEN, T))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=request) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(taken) == [False] * 5 + [True] * 3
    assert list(RateCounter.objects.values_list("count", flat=True)) == [3]
