"""Rows read with their many-to-one neighbours, without making PostgreSQL plan a wide join.

`select_related` puts every neighbour in one statement as a LEFT JOIN. PostgreSQL searches the
join orders of such a statement each time it plans it, and the search grows much faster than the
join count: on the case table (many indexes) planning took ≈ 1 ms with no join, 2 ms with 4,
5 ms with 6, and 13–25 ms with 7 to 11 joins — while executing the same statement took under
1 ms. `with_related` joins the relations while they fit in `JOINS_AT_MOST` joins and reads the rest
after the rows, one small statement per relation (`prefetch_related`), which costs a fraction of a
millisecond each. Callers list the relations in the order they matter most.

Measured in docs/performance.md ("Wide joins"). SQLite plans joins cheaply, but one code path
for both databases keeps the behaviour the tests see the behaviour production has.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)

JOINS_AT_MOST = 4


def with_related(qs: QuerySet[M], fields: Iterable[str]) -> QuerySet[M]:
    """`qs` with `fields` (relation paths, as for select_related) joined while the joins stay
    within JOINS_AT_MOST, the others prefetched after the rows."""
    joined: list[str] = []
    fetched: list[str] = []
    joins = 0
    for path in fields:
        cost = path.count("__") + 1
        if joins + cost <= JOINS_AT_MOST:
            joined.append(path)
            joins += cost
        else:
            fetched.append(path)
    if joined:
        qs = qs.select_related(*joined)
    if fetched:
        qs = qs.prefetch_related(*fetched)
    return qs
