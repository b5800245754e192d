"""The one point where an enterprise's own rating of its answered case leaves the case system.

The enterprise rates its case once: the result (已解决/未解决 + satisfaction) is the case's
follow-up (回访, `do_follow_up`), and the same rating is a 好差评 — a 差评 must be verified and
rectified. The ratings app owns that ("enterprise rates its case", `ratings.actions.do_rate_case`)
and registers it here when it loads; `do_follow_up` hands an enterprise's follow-up to it, so every
door (the case page, `POST /api/v1/cases/{id}/follow-up`) records one rating, never two records
that disagree. The case system does not import ratings: apps depend downward.

While the registered handler itself records the follow-up (`handling()`), `do_follow_up` runs as
usual.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

_handler: Callable[..., Any] | None = None
_HANDLING: ContextVar[bool] = ContextVar("tickets_enterprise_rating_handling", default=False)


def register(handler: Callable[..., Any]) -> None:
    """`handler(acting_user=, ticket_id=, resolved=, satisfaction=, comment=, expected_version=,
    now=)` records an enterprise's rating of its case (follow-up included)."""
    global _handler
    _handler = handler


def handler() -> Callable[..., Any] | None:
    """The registered handler, unless it is the one calling (then None)."""
    return None if _HANDLING.get() else _handler


@contextmanager
def handling() -> Iterator[None]:
    token = _HANDLING.set(True)
    try:
        yield
    finally:
        _HANDLING.reset(token)
