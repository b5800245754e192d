"""Reads of 移送纪委监委 (R15.2): the cases a hand-over names — the accountability record's linked
cases and, for an inaction proposal, the cases of its finding as of the hand-over — which the
addressed 纪委监委 reader may open (read only) from the hand-over, and nothing else."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from bangban.tickets.public import all_cases

from . import inaction
from .models import InactionPattern


def transfer_cases(transfer: Any) -> QuerySet[Any]:
    rec = transfer.record
    q = Q(pk__in=rec.tickets.values("pk"))
    fig = rec.figures or {}
    if fig.get("rule") == "inaction" and fig.get("pattern") in InactionPattern.values:
        q |= Q(
            pk__in=inaction.pattern_cases(
                rec.year, rec.month, rec.unit_id, fig["pattern"], transfer.created_at
            ).values("pk")
        )
    return (
        all_cases()
        .filter(q)
        .select_related("lead_unit", "handler", "enterprise")
        .order_by("-received_at", "-pk")
    )


def transfer_case(transfer: Any, ticket_id: Any) -> Any:
    try:
        key = int(ticket_id)
    except (TypeError, ValueError):
        return None
    return transfer_cases(transfer).filter(pk=key).first()
