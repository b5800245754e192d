"""Dispatching several cases at once (批量派单): the dispatch page's 「批量派单」 and its keyboard
accept, and `POST /api/v1/cases/batch/dispatch`.

Each case goes through `actions.do_dispatch` in a transaction of its own, so the lock, the version
check, the timeline event, the audit record and the notifications are exactly those of a single
dispatch, and one case that fails (a colleague dispatched it a minute ago, a unit was retired)
does not stop the others. The outcome of every case comes back in the order asked, with the
Chinese message of its error. `dispatch_many` therefore runs outside any transaction.

A case sent without a lead unit goes with its suggestion, the one the dispatch page pre-fills
(`prefilled_routing`): the routing advisor's when it is confident, otherwise the routing rule's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from bangban.accounts.access import has_any_role
from bangban.core.errors import (
    REFUSALS,
    ApplicationError,
    Conflict,
    InvalidTransition,
    PermissionDenied,
    ValidationFailed,
)

from . import actions, advice
from .access import DISPATCH_ROLES, visible_tickets
from .models import Ticket, TicketEvent
from .workflow import Action, Status

__all__ = [
    "MAX_BATCH",
    "DispatchOrder",
    "DispatchOutcome",
    "dispatch_many",
    "prefilled_routing",
]

# At most this many cases in one request: a page of the queue is 20 by default, 100 at most in
# the size menu; beyond, the request is refused whole (batch_too_large) and nothing is dispatched.
MAX_BATCH = 100

# The codes a case of the batch can fail with, besides those of `do_dispatch` itself.
ALREADY_DISPATCHED = "already_dispatched"
UNIT_REQUIRED = "unit_required"


@dataclass(frozen=True)
class DispatchOrder:
    """One case to dispatch. `lead_unit_id=None`: with its suggestion (unit and, when the advisor
    is confident, category); `category_id=None`: the category is left as it is."""

    ticket_id: int
    version: int | None = None
    lead_unit_id: int | None = None
    co_unit_ids: Sequence[int] = ()
    urgency: str | None = None
    category_id: int | None = None
    note: str = ""
    lead_reason: str = ""


@dataclass
class DispatchOutcome:
    ticket_id: int
    ok: bool
    number: str = ""  # empty for a case the caller may not see
    code: str = ""
    message: str = ""
    ticket: Ticket | None = None  # the dispatched case (ok) or None

    @property
    def lead_unit_name(self) -> str:
        t = self.ticket
        return t.lead_unit.name if t is not None and t.lead_unit_id and t.lead_unit is not None else ""


def is_first_response(ticket: Any) -> bool:
    """Whether the case waits for its first dispatch with its receiving unit as the default lead
    (首问负责, R12.1): the intake suggested that unit (`routing.first_response_unit_id`). Read from
    the row's own fields, no query."""
    return bool(
        ticket.intake_unit_id
        and ticket.suggested_unit_id == ticket.intake_unit_id
        and ticket.deadline_start is None
    )


def prefilled_routing(ticket: Any, found: advice.Advice | None) -> tuple[int | None, int | None]:
    """(lead unit id, category id) the dispatch form starts from: the advisor's unit and category
    when it is confident enough to pre-fill them, otherwise the routing rule's unit (or the unit
    the case had) and the case's category."""
    if is_first_response(ticket):
        # 首问负责 (R12.1): the receiving unit leads by default, whatever the advisor says.
        return ticket.suggested_unit_id, ticket.category_id
    lead = found.unit_id if found and found.prefill_unit else ticket.suggested_unit_id or ticket.lead_unit_id
    category = found.category_id if found and found.prefill_category else ticket.category_id
    return lead, category


def check_batch(user: Any, ticket_ids: Sequence[int]) -> None:
    """Refuse the whole request: not a dispatcher (403), no case (batch_empty), too many cases
    (batch_too_large), a case twice (batch_duplicate_case)."""
    if not has_any_role(user, DISPATCH_ROLES):
        raise PermissionDenied("只有派单员可以派单")
    if not ticket_ids:
        raise ValidationFailed("请至少选择一件诉求", code="batch_empty")
    if len(ticket_ids) > MAX_BATCH:
        raise ValidationFailed(
            f"一次最多派 {MAX_BATCH} 件诉求（本次 {len(ticket_ids)} 件），请分批提交", code="batch_too_large"
        )
    seen: set[int] = set()
    for pk in ticket_ids:
        if pk in seen:
            raise ValidationFailed(
                f"同一件诉求（ID {pk}）在本次提交中出现了两次", code="batch_duplicate_case"
            )
        seen.add(pk)


def dispatch_many(
    *, acting_user: Any, orders: Sequence[DispatchOrder], now: dt.datetime | None = None
) -> list[DispatchOutcome]:
    """Dispatch each order in its own transaction (`do_dispatch`) and answer one outcome per order,
    in order. Refuses the whole request as `check_batch` says; everything else is per case."""
    check_batch(acting_user, [o.ticket_id for o in orders])
    now = now or timezone.now()
    visible = {
        t.pk: t
        for t in visible_tickets(acting_user)
        .filter(pk__in=[o.ticket_id for o in orders])
        .select_related("suggested_unit", "lead_unit", "category")
    }
    missing = [visible[o.ticket_id] for o in orders if o.lead_unit_id is None and o.ticket_id in visible]
    suggestions = advice.advise(missing, now) if missing else {}
    outcomes = []
    for order in orders:
        known = visible.get(order.ticket_id)
        outcome = DispatchOutcome(order.ticket_id, ok=False, number=known.number if known else "")
        lead, category = order.lead_unit_id, order.category_id
        if lead is None and known is not None:
            lead, suggested_category = prefilled_routing(known, suggestions.get(known.pk))
            category = category or suggested_category
            if lead is None:
                outcome.code = UNIT_REQUIRED
                outcome.message = "该诉求没有建议的主办单位，请选择主办单位后再派单"
                outcomes.append(outcome)
                continue
        try:
            ticket = actions.do_dispatch(
                acting_user=acting_user,
                ticket_id=order.ticket_id,
                # No lead only for a case the caller cannot see: do_dispatch answers not_found first.
                lead_unit_id=lead if lead is not None else 0,
                co_unit_ids=[pk for pk in order.co_unit_ids if pk != lead],
                urgency=order.urgency or None,
                category_id=category,
                note=order.note,
                lead_reason=order.lead_reason,
                expected_version=order.version,
            )
        except REFUSALS as exc:
            outcome.code, outcome.message = exc.code, exc.message
        except (Conflict, InvalidTransition) as exc:
            outcome.code, outcome.message = _stale(acting_user, order.ticket_id, exc)
        except ApplicationError as exc:
            outcome.code, outcome.message = exc.code, exc.message
        else:
            outcome.ok, outcome.ticket = True, ticket
            outcome.message = f"已派至{outcome.lead_unit_name}"
        outcomes.append(outcome)
    return outcomes


def _stale(user: Any, ticket_id: int, exc: ApplicationError) -> tuple[str, str]:
    """A case that moved on since the caller saw it. Already dispatched (by a colleague, or by an
    earlier submission of the same batch): `already_dispatched`, naming who sent it where and
    when, so a re-submission is answered plainly and nothing is dispatched twice. Still waiting
    but changed meanwhile: the version conflict as it is. Merged, withdrawn, closed on the spot:
    the state says why."""
    current = visible_tickets(user).filter(pk=ticket_id).select_related("lead_unit").first()
    if current is None or current.status == Status.PENDING_DISPATCH:
        return exc.code, exc.message
    if current.lead_unit_id and current.dispatched_at and current.lead_unit is not None:
        event = (
            TicketEvent.objects.filter(ticket=current, kind__in=[Action.DISPATCH, Action.REASSIGN])
            .order_by("-at", "-id")
            .first()
        )
        who = event.actor_name if event is not None and event.actor_name else "他人"
        when = timezone.localtime(current.dispatched_at).strftime("%m-%d %H:%M")
        return (
            ALREADY_DISPATCHED,
            f"该诉求已由{who}于 {when} 派至{current.lead_unit.name}（{current.get_status_display()}），未重复派单",
        )
    return InvalidTransition.code, f"该诉求当前为“{current.get_status_display()}”，不能派单"
