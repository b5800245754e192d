"""The one point where an enterprise's own rating of its answered case leaves the case system, and
where the reopen limit of the follow-up rule comes from.

The enterprise rates its case once: the result (已解决/未解决 + satisfaction) is the case's
follow-up (回访), and the same rating is a 好差评 — a 差评 must be verified and rectified. The
ratings app owns that and registers its handler here when it loads; `do_follow_up` (the case page's
「评价办理结果」, `POST /api/v1/cases/{id}/follow-up`) hands an enterprise's follow-up to it, with
the case it has locked and checked, so every door records one rating, never two records that
disagree. The handler records the follow-up with `record_follow_up` (the lower-level function that
applies the rule without calling any handler): nothing re-enters `do_follow_up`, so no flag is
needed. The case system does not import ratings: apps depend downward.

The reopen limit (`RatingSettings.max_reopens`, edited on the ratings settings page and API) is
provided by the ratings app through `register_reopen_limit`; the rule that uses it is
`lifecycle.follow_up_outcome`, applied on every follow-up path and on the 回头看 reopen.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_handler: Callable[..., Any] | None = None
_reopen_limit: Callable[[], int | None] | None = None


def register(handler: Callable[..., Any]) -> None:
    """`handler(acting_user=, ticket=, resolved=, satisfaction=, comment=, now=) -> FollowUp`
    records an enterprise's rating of `ticket` (locked, its rater checked by the caller), the
    follow-up included, and returns the follow-up it recorded."""
    global _handler
    _handler = handler


def handler() -> Callable[..., Any] | None:
    """The registered handler, or None when no app rates cases."""
    return _handler


def register_reopen_limit(provider: Callable[[], int | None]) -> None:
    """`provider()` is the most reopens (重办) a case may have before an unsatisfied follow-up is
    flagged for 督办 instead (None: no limit)."""
    global _reopen_limit
    _reopen_limit = provider


def reopen_limit() -> int | None:
    return _reopen_limit() if _reopen_limit is not None else None
