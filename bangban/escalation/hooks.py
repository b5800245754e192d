"""The points where the case lifecycle calls into escalation.

- `authorize_dispatch` is called by `tickets.actions.do_dispatch`: a mayor-channel case under
  review (R8.2) is dispatched only through the review flow (`actions.do_mayor_dispatch`, which
  checks the sign-off chain and the role), never from the ordinary dispatch page.
- `under_review` tells whether a case is governed by the review: every mayor-channel case that
  came in through an intake (it has an `intake` timeline entry) or whose review was opened. The
  review row itself is opened when the 市政府办公室 classify the submission.
- `under_review_q` is the same rule as a condition on `tickets.Ticket` rows, for lists: the
  dispatcher's queue annotates it (no extra query per row) to show such a case as 「市长直通车审核中」
  with a link to its review page instead of the dispatch form.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q

from bangban.core.errors import InvalidTransition, PermissionDenied

_THROUGH_REVIEW: ContextVar[int | None] = ContextVar("escalation_through_review", default=None)


@contextmanager
def through_review(ticket_id: int) -> Iterator[None]:
    """Mark the dispatch of `ticket_id` as made by the review flow (roles checked there)."""
    token = _THROUGH_REVIEW.set(ticket_id)
    try:
        yield
    finally:
        _THROUGH_REVIEW.reset(token)


def authorize_dispatch(acting_user: Any, ticket: Any) -> bool:
    """False: not a case under mayor review, the ordinary rules apply. True: the review flow
    dispatches it (its checks are done). Raises when a case under review is dispatched before its
    sign-off chain is complete, or outside the review flow."""
    from .models import MayorReview, ReviewStage

    if not under_review(ticket):
        return False
    if _THROUGH_REVIEW.get() == ticket.pk:
        return True
    review = MayorReview.objects.filter(ticket_id=ticket.pk).only("stage").first()
    stage = ReviewStage(review.stage if review else ReviewStage.COLLECTED)
    if stage not in (ReviewStage.READY, ReviewStage.DISPATCHED):
        raise InvalidTransition(
            f"该直达市长诉求尚处于“{stage.label}”环节，须完成审核签批后才能交办",
            code="mayor_signoff_incomplete",
        )
    raise PermissionDenied(
        "直达市长诉求须在“市长直通车”审核页面由市政府办公室交办", code="mayor_dispatch_via_review"
    )


def under_review(ticket: Any) -> bool:
    """Whether the review flow governs `ticket` — `under_review_q()` asked of one case."""
    from bangban.tickets.models import Ticket

    if ticket.channel != "mayor":
        return False
    return Ticket.objects.filter(pk=ticket.pk).filter(under_review_q()).exists()


def under_review_q() -> Q:
    """`under_review` as a condition on tickets (a correlated subquery, evaluated in the list's
    own query)."""
    from bangban.tickets.models import TicketEvent

    from .models import MayorReview

    return Q(channel="mayor") & (
        Q(Exists(MayorReview.objects.filter(ticket_id=OuterRef("pk"))))
        | Q(Exists(TicketEvent.objects.filter(ticket_id=OuterRef("pk"), kind="intake")))
    )


def under_review_flag() -> ExpressionWrapper:
    """A boolean annotation: True for a case the review flow dispatches (see `authorize_dispatch`)."""
    return ExpressionWrapper(under_review_q(), output_field=BooleanField())
