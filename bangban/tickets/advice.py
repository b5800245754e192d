"""Routing advice from an app above the case system, without the case system importing it.

An app (bangban.insight) that can suggest where a case should go registers a `RoutingAdvisor`
here from its `AppConfig.ready()`. The dispatcher's page and the API ask `advise(cases, now)` for
suggestions and call `dispatched(case, acting_user, now)` from `do_dispatch`, so the advisor can
record the dispatcher's final choice against its suggestion.

Advice is optional by design: with no advisor registered, or when the advisor fails (no model yet
in a new city, a damaged model), `advise` answers nothing for the case and the dispatch page works
from the routing rule table exactly as without it; a failing `dispatched` never stops a dispatch.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.db import transaction

__all__ = ["Advice", "RoutingAdvisor", "advise", "dispatched", "register_routing_advisor"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Advice:
    """A suggestion for one case: category and lead unit (either may be None), each with its
    confidence (0–1), the terms behind it, and whether it is confident enough to pre-fill the
    dispatch form (`prefill_category`, `prefill_unit`)."""

    model_version: int
    category_id: int | None
    category_name: str
    category_confidence: float
    unit_id: int | None
    unit_name: str
    unit_confidence: float
    reasons: tuple[str, ...]
    threshold: float
    prefill_category: bool
    prefill_unit: bool

    @property
    def prefill(self) -> bool:
        return self.prefill_category or self.prefill_unit


class RoutingAdvisor(Protocol):
    def advise(self, cases: Sequence[Any], now: dt.datetime) -> dict[int, Advice]: ...

    def dispatched(self, case: Any, acting_user: Any, now: dt.datetime) -> None: ...


_advisors: list[RoutingAdvisor] = []


def register_routing_advisor(advisor: RoutingAdvisor) -> None:
    """Add the advisor (idempotent). The first registered one answers."""
    if advisor not in _advisors:
        _advisors.append(advisor)


def advise(cases: Sequence[Any], now: dt.datetime) -> dict[int, Advice]:
    """{case id: advice} for the cases the advisor has a suggestion for; {} without an advisor or
    when it fails (logged), so callers fall back to the routing rule table."""
    if not _advisors or not cases:
        return {}
    try:
        return _advisors[0].advise(cases, now)
    except Exception:  # advice is optional: a failing advisor must not break the dispatch page
        log.exception("routing advice failed; dispatching without it")
        return {}


def dispatched(case: Any, acting_user: Any, now: dt.datetime) -> None:
    """Tell the advisors a case was dispatched (inside the dispatch's transaction). A failure is
    logged and rolled back to a savepoint: the dispatch itself goes through."""
    for advisor in _advisors:
        try:
            with transaction.atomic():
                advisor.dispatched(case, acting_user, now)
        except Exception:  # recording adoption is optional, the dispatch is not
            log.exception("recording the routing advice of case %s failed", getattr(case, "pk", None))
