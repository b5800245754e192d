"""What the service network adds to the case lifecycle (registered in `apps.py`): a 分办 at a
解难帮扶会办会 dispatches the item's case to its unit itself (`actions.help_meetings.do_dispose_item`
names the flow in `do_dispatch(authorised_by=...)`), for the meeting's managers only; every other
dispatch follows the ordinary rules. `case_origin` tells the case page which meeting item a case
is on (`tickets.origins`), as a link back for those who may see the meeting."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import reverse

from bangban.accounts.models import User
from bangban.tickets.guards import Cleared, ReviewSignOff
from bangban.tickets.origins import Origin

from .access import is_manager, visible_help_meetings
from .actions.help_meetings import ASSIGN_FLOW
from .models import HelpItem, HelpMeetingStatus


def dispatch_guard(acting_user: User, ticket: Any, *, via: Any = None) -> Cleared | None:
    if isinstance(via, ReviewSignOff) and via.flow == ASSIGN_FLOW and via.ticket_id == ticket.pk:
        return Cleared() if is_manager(acting_user) else None
    return None


def case_origin(user: Any, ticket: Any) -> Origin | None:
    """The 解难帮扶会办会 item a case carries (分办) or was put on, for those who may see the meeting."""
    item = (
        HelpItem.objects.filter(Q(case_id=ticket.pk) | Q(source_case_id=ticket.pk))
        .exclude(meeting__status=HelpMeetingStatus.CANCELLED)
        .select_related("meeting")
        .order_by("-id")
        .first()
    )
    if item is None or not visible_help_meetings(user).filter(pk=item.meeting_id).exists():
        return None
    how = f"（{item.get_disposal_display()}）" if item.disposal else ""
    return Origin(
        label=f"解难帮扶会办会议题{how}",
        text=f"{item.meeting.title}（{item.meeting.held_at:%Y-%m-%d}）",
        url=reverse("network:help_meeting_detail", args=[item.meeting_id]),
    )
