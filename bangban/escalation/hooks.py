"""What escalation adds to the case lifecycle (registered in `apps.py`; the case system does not
import escalation).

- `dispatch_guard` is registered with `tickets.guards` and asked by `tickets.actions.do_dispatch`:
  a mayor-channel case under review (R8.2) is dispatched only through the review flow
  (`actions.do_mayor_dispatch`, which checks the sign-off chain and the role, and passes its
  `ReviewSignOff` to `do_dispatch(authorised_by=...)`) or a dispute decision, never from the
  ordinary dispatch page.
- `under_review` tells whether a case is governed by the review: every mayor-channel case that
  came in through an intake (it has an `intake` timeline entry) or whose review was opened. The
  review row itself is opened when the 市政府办公室 classify the submission.
- `under_review_q` is the same rule as a condition on `tickets.Ticket` rows, for lists: the
  dispatcher's queue annotates it (`under_review_flag`, registered with `tickets.guards` as the
  queue flag `under_mayor_review`) (no extra query per row) to show such a case as 「市长直通车审核中」
  with a link to its review page instead of the dispatch form.
- `pending_review_people` answers the deadline sweeper (registered in `apps.py` through
  `tickets.sweeper.register_review_recipients`): who is reminded when a case waiting in the review
  turns 临期/超期 on its dispatch clock — the people whose step is pending.
"""

from __future__ import annotations

from typing import Any

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q

from bangban.accounts.models import User
from bangban.accounts.roles import Role
from bangban.core.errors import InvalidTransition, PermissionDenied
from bangban.tickets.guards import Cleared, Refusal, ReviewSignOff
from bangban.tickets.models import TicketEvent
from bangban.tickets.public import cases_in

from .models import MayorReview, Meeting, ReviewStage

# The flows whose sign-off dispatches a case under review.
SIGN_OFF_FLOWS = ("mayor_review", "dispute")


def dispatch_guard(acting_user: User, ticket: Any, *, via: Any = None) -> Refusal | Cleared | None:
    """None: not a case under mayor review, the ordinary rules apply. Cleared: the review flow (or
    a dispute decision) dispatches it, named in `via` (its checks are done). A refusal when a case
    under review is dispatched before its sign-off chain is complete, or outside the review flow."""

    if not under_review(ticket):
        return None
    if isinstance(via, ReviewSignOff) and via.flow in SIGN_OFF_FLOWS and via.ticket_id == ticket.pk:
        return Cleared()
    review = MayorReview.objects.filter(ticket_id=ticket.pk).only("stage").first()
    stage = ReviewStage(review.stage if review else ReviewStage.COLLECTED)
    if stage not in (ReviewStage.READY, ReviewStage.DISPATCHED):
        return Refusal(
            InvalidTransition(
                f"该直达市长诉求尚处于“{stage.label}”环节，须完成审核签批后才能交办",
                code="mayor_signoff_incomplete",
            )
        )
    return Refusal(
        PermissionDenied(
            "直达市长诉求须在“市长直通车”审核页面由市政府办公室交办", code="mayor_dispatch_via_review"
        )
    )


def under_review(ticket: Any) -> bool:
    """Whether the review flow governs `ticket` — `under_review_q()` asked of one case."""

    if ticket.channel != "mayor":
        return False
    return cases_in([ticket.pk]).filter(under_review_q()).exists()


def under_review_q() -> Q:
    """`under_review` as a condition on tickets (a correlated subquery, evaluated in the list's
    own query)."""

    return Q(channel="mayor") & (
        Q(Exists(MayorReview.objects.filter(ticket_id=OuterRef("pk"))))
        | Q(Exists(TicketEvent.objects.filter(ticket_id=OuterRef("pk"), kind="intake")))
    )


def under_review_flag() -> ExpressionWrapper:
    """A boolean annotation: True for a case the review flow dispatches (see `dispatch_guard`)."""
    return ExpressionWrapper(under_review_q(), output_field=BooleanField())


def pending_review_people(ticket_ids: list[int]) -> dict[int, list[int]]:
    """{case id: [active users whose step of the review is pending]}, in a few queries: 待分类 and
    待交办 (and a review not opened yet) → 市政府办公室专人; 待副秘书长审核 → the assigned 对口联系副秘书长
    (or every one, if none is assigned); 待秘书长签批 → 秘书长; 待分管市长签批 → the 分管市长 in
    charge (every one for a review that has none named); 会商中 → the meeting's chair and the
    秘书长 (who asked for it)."""

    reviews = {
        r["ticket_id"]: r
        for r in MayorReview.objects.filter(ticket_id__in=ticket_ids).values(
            "ticket_id", "stage", "deputy_id", "vice_mayor_id", "consult_meeting_id"
        )
    }
    by_role: dict[str, list[int]] = {}

    def role(code: str) -> list[int]:
        if code not in by_role:
            by_role[code] = list(
                User.objects.filter(is_active=True, roles__code=code)
                .distinct()
                .order_by("pk")
                .values_list("pk", flat=True)
            )
        return by_role[code]

    meetings = [r["consult_meeting_id"] for r in reviews.values() if r["consult_meeting_id"]]
    chairs = dict(Meeting.objects.filter(pk__in=meetings).values_list("pk", "chair_id")) if meetings else {}
    active = set(
        User.objects.filter(
            pk__in=[r["deputy_id"] for r in reviews.values() if r["deputy_id"]]
            + [r["vice_mayor_id"] for r in reviews.values() if r["vice_mayor_id"]]
            + list(chairs.values()),
            is_active=True,
        ).values_list("pk", flat=True)
    )
    out: dict[int, list[int]] = {}
    for ticket_id in ticket_ids:
        review = reviews.get(ticket_id)
        stage = review["stage"] if review else ReviewStage.COLLECTED
        if stage == ReviewStage.DEPUTY:
            deputy = review["deputy_id"] if review else None
            people = [deputy] if deputy in active else role(Role.DEPUTY_SECRETARY_GENERAL)
        elif stage == ReviewStage.SECRETARY:
            people = role(Role.SECRETARY_GENERAL)
        elif stage == ReviewStage.VICE_MAYOR:
            signer = review["vice_mayor_id"] if review else None
            people = [signer] if signer in active else role(Role.VICE_MAYOR)
        elif stage == ReviewStage.CONSULT:
            chair = chairs.get(review["consult_meeting_id"]) if review else None
            people = ([chair] if chair in active else []) + role(Role.SECRETARY_GENERAL)
        else:
            people = role(Role.MAYOR_OFFICE)
        out[ticket_id] = list(dict.fromkeys(p for p in people if p))
    return out
