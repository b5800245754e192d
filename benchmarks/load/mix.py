"""The share of the requests each kind of user sends (per 100), and how many simulated users of
each kind make a given rate; shared by locustfile.py and run.py (see the table in locustfile.py)."""

from __future__ import annotations

import math

MIX = {
    "HotlineAgent": 4,
    "EnterpriseUser": 5,
    "Dispatcher": 12,
    "Handler": 42,
    "UnitHead": 7,
    "CounterDevice": 15,
    "Office": 15,
    "Exporter": 0.05,
}
PER_USER_MAX = 2.0  # requests/s one simulated user sends at most


def users(rate: float) -> dict[str, tuple[int, float]]:
    """Class name → (number of users, requests/s of each) for `rate` requests/s in all."""
    sized = {}
    for name, share in MIX.items():
        rps = rate * share / 100
        count = max(1, math.ceil(rps / PER_USER_MAX - 1e-9))
        sized[name] = (count, rps / count)
    return sized
