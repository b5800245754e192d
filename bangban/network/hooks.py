"""What the service network adds to the case lifecycle (registered in `apps.py`): a 分办 at a
解难帮扶会办会 dispatches the item's case to its unit itself (`actions.help_meetings.do_dispose_item`
names the flow in `do_dispatch(authorised_by=...)`), for the meeting's managers only; every other
dispatch follows the ordinary rules."""

from __future__ import annotations

from typing import Any

from bangban.accounts.models import User
from bangban.tickets.guards import Cleared, ReviewSignOff

from .access import is_manager
from .actions.help_meetings import ASSIGN_FLOW


def dispatch_guard(acting_user: User, ticket: Any, *, via: Any = None) -> Cleared | None:
    if isinstance(via, ReviewSignOff) and via.flow == ASSIGN_FLOW and via.ticket_id == ticket.pk:
        return Cleared() if is_manager(acting_user) else None
    return None
