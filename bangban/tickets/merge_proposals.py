"""Reads for the merge proposals of the dispatch queue (`near_duplicates.py`): the open cases a
page of pending cases may repeat, in one query."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db.models import Q, QuerySet

from .models import Channel, Ticket
from .near_duplicates import WINDOW_DAYS, Candidate, Proposal, propose
from .workflow import OPEN_STATUSES

# The newest open cases a page of pending cases is compared with.
MAX_CANDIDATES = 2000


def _candidate(t: Mapping[str, Any]) -> Candidate:
    return Candidate(
        id=t["id"],
        number=t["number"],
        text=f"{t['title']}\n{t['content']}",
        received_at=t["received_at"],
        enterprise_id=t["enterprise_id"],
        conduct=t["channel"] == Channel.CONDUCT,
    )


def merge_proposals(cases: Sequence[Ticket], visible: QuerySet[Ticket]) -> dict[int, Proposal]:
    """{case id: the earlier open case it likely repeats} for these cases, among the `visible`
    cases (the dispatcher's scope: a proposal never names a case the dispatcher may not see).
    The dispatcher decides. A case already linked as a repeat (`duplicate_of`) keeps that link
    and gets no proposal."""
    pending = [t for t in cases if t.duplicate_of_id is None]
    if not pending:
        return {}
    earliest = min(t.received_at for t in pending) - dt.timedelta(days=WINDOW_DAYS)
    latest = max(t.received_at for t in pending)
    # Cases of the same regions or enterprises, and cases with no region (a hotline call about a
    # street often has none).
    near = (
        Q(region_id__in={t.region_id for t in pending if t.region_id})
        | Q(enterprise_id__in={t.enterprise_id for t in pending if t.enterprise_id})
        | Q(region__isnull=True)
    )
    rows = (
        visible.filter(near, status__in=OPEN_STATUSES, received_at__gte=earliest, received_at__lte=latest)
        .order_by("-received_at", "-id")
        .values("id", "number", "title", "content", "received_at", "enterprise_id", "channel")[
            :MAX_CANDIDATES
        ]
    )
    others = [_candidate(r) for r in rows]
    out = {}
    for t in pending:
        me = _candidate(
            {"id": t.pk, "number": t.number, "title": t.title, "content": t.content, "received_at": t.received_at,
             "enterprise_id": t.enterprise_id, "channel": t.channel}
        )  # fmt: skip
        found = propose(me, others)
        if found is not None:
            out[t.pk] = found
    return out
