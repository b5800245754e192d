"""Rules other apps add to the case lifecycle without the case system importing them.

Apps depend downward (`.importlinter`): the case system may not ask an app above it whether a
dispatch is allowed. Instead an app registers what it knows here from its `AppConfig.ready()`:

- a **dispatch guard** `guard(acting_user, ticket, *, via=None)` is asked by `do_dispatch` before
  the ordinary role check. It answers `None` (not its concern), `Cleared()` (the flow named in
  `via` vouches for this dispatch and has done its own role checks, so the ordinary dispatcher
  role check is skipped) or a `Refusal` (the dispatch is refused with its error). `via` is what
  the caller passed to `do_dispatch(authorised_by=...)` — for instance the `ReviewSignOff` of the
  mayor review (bangban.escalation) — an explicit argument, never ambient state.
- a **dispatch-queue flag** `(name, expression)` is annotated on every row of the dispatcher's
  queue (`queries.dispatch_queue`) in the list's own query; the escalation app adds
  `under_mayor_review` so a case waiting in its review shows 「市长直通车审核中」 instead of the form.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Expression

from bangban.accounts.models import User
from bangban.core.errors import ApplicationError


@dataclass(frozen=True)
class Refusal:
    """A guard's no: the error the dispatch is refused with."""

    error: ApplicationError


@dataclass(frozen=True)
class Cleared:
    """A guard's yes for a dispatch made by its own flow (its role checks are done)."""


@dataclass(frozen=True)
class ReviewSignOff:
    """Passed as `do_dispatch(authorised_by=...)` by a flow that signed the dispatch off: `flow`
    names it (`"mayor_review"`, `"dispute"`), `ticket_id` is the case it signed for."""

    flow: str
    ticket_id: int


DispatchGuard = Callable[..., "Refusal | Cleared | None"]

_dispatch_guards: list[DispatchGuard] = []
_queue_flags: dict[str, Callable[[], Expression]] = {}


def register_dispatch_guard(guard: DispatchGuard) -> None:
    """Add `guard(acting_user, ticket, *, via=None) -> Refusal | Cleared | None` (idempotent)."""
    if guard not in _dispatch_guards:
        _dispatch_guards.append(guard)


def check_dispatch(acting_user: User, ticket: Any, *, via: Any = None) -> bool:
    """Ask every guard; raise the first refusal. True when a guard cleared the dispatch (the
    ordinary role check is then skipped), False when the ordinary rules apply."""
    cleared = False
    for guard in _dispatch_guards:
        verdict = guard(acting_user, ticket, via=via)
        if isinstance(verdict, Refusal):
            raise verdict.error
        if isinstance(verdict, Cleared):
            cleared = True
    return cleared


def register_queue_flag(name: str, expression: Callable[[], Expression]) -> None:
    """Annotate `name` (a boolean expression built by `expression()`) on the dispatcher's queue."""
    _queue_flags[name] = expression


def queue_flags() -> dict[str, Expression]:
    """The registered dispatch-queue annotations, built fresh for one query."""
    return {name: build() for name, build in _queue_flags.items()}
