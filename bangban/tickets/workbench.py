"""The case counts on a member of staff's home page (the workbench): each count is the length of
the list its link opens — the same queue and the same filter — so the number and the list never
disagree. Counts owned by other apps (待回访 in ratings, 督办 in escalation) are defined there."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from bangban.accounts.access import has_any_role
from bangban.accounts.roles import Role

from . import queries
from .filters import TicketFilter
from .workflow import Status


@dataclass(frozen=True)
class WorkCount:
    key: str
    label: str
    count: int
    url: str
    # "danger" / "warning" when the count needs attention now.
    tone: str = ""


def _link(name: str, params: dict[str, str]) -> str:
    return reverse(name) + ("?" + urlencode(params) if params else "")


def _unit(
    user: Any, now: dt.datetime, key: str, label: str, params: dict[str, str], tone: str = ""
) -> WorkCount:
    count = queries.unit_queue(TicketFilter(params, user, now=now)).count()
    return WorkCount(key, label, count, _link("tickets:unit_queue", params), tone if count else "")


def _all(
    user: Any, now: dt.datetime, key: str, label: str, params: dict[str, str], tone: str = ""
) -> WorkCount:
    count = queries.all_cases(TicketFilter(params, user, now=now)).count()
    return WorkCount(key, label, count, _link("tickets:all", params), tone if count else "")


def case_work_counts(user: Any, now: dt.datetime) -> list[WorkCount]:
    """待派单 (dispatchers), then for a unit's handlers and heads their unit's 待签收, 待审核 (heads),
    临期 and 超期 — or, for city-wide readers without a unit queue, 临期 and 超期 among all cases."""
    counts: list[WorkCount] = []
    if queries.can_use_dispatch_queue(user):
        waiting = queries.dispatch_queue(TicketFilter({}, user, now=now)).count()
        counts.append(WorkCount("dispatch", "待派单", waiting, reverse("tickets:dispatch_queue")))
    if queries.can_use_unit_queue(user):
        counts.append(_unit(user, now, "accept", "待签收", {"status": Status.DISPATCHED.value}, "warning"))
        if has_any_role(user, {Role.UNIT_HEAD}):
            counts.append(
                _unit(user, now, "review", "待审核", {"status": Status.REPLY_REVIEW.value}, "warning")
            )
        counts.append(_unit(user, now, "warning", "临期", {"deadline": "warning"}, "warning"))
        counts.append(_unit(user, now, "overdue", "超期", {"deadline": "overdue"}, "danger"))
    elif queries.can_use_all_cases(user):
        counts.append(_all(user, now, "warning", "临期", {"deadline": "warning"}, "warning"))
        counts.append(_all(user, now, "overdue", "超期", {"deadline": "overdue"}, "danger"))
    return counts
