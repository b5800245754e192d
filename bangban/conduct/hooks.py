"""What conduct adds to the case lifecycle (registered in `apps.py`): 作风办 dispatches the cases it
creates from its 问题清单 itself (`actions.problems.do_transfer_problem` names the flow in
`do_dispatch(authorised_by=...)`); every other dispatch follows the ordinary rules."""

from __future__ import annotations

from typing import Any

from bangban.accounts.models import User
from bangban.tickets.guards import Cleared, ReviewSignOff

from .access import is_manager
from .actions.problems import TRANSFER_FLOW


def dispatch_guard(acting_user: User, ticket: Any, *, via: Any = None) -> Cleared | None:
    if isinstance(via, ReviewSignOff) and via.flow == TRANSFER_FLOW and via.ticket_id == ticket.pk:
        return Cleared() if is_manager(acting_user) else None
    return None
