"""The action kit: the steps every `do_*` action shares, in one place.

An action locks the row it changes (`lock`), compares the `version` the user read with the row's
(`check_version`: stale → `Conflict`, HTTP 409 `conflict`), asks the state machine whether the move
is allowed (`TransitionTable.check`: refused → `InvalidTransition`), saves the named fields with
`version + 1` (`save_change`) and records exactly one audit event through
`bangban.audit.actions.record` (see "Actions" in docs/architecture.md for why the kit does not wrap
the audit trail).

A public action (the `do_*` a view, the API, a task or a command calls) is one durable transaction
(`@durable_action`); the helpers it calls that write assert they run inside a transaction
(`require_transaction()`) instead of opening their own.

This module belongs to the kernel: it imports Django and `bangban.core` only, never another app.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, ParamSpec, TypeVar

from django.db import connection, models, transaction

from .errors import Conflict, InvalidTransition, NotFound

M = TypeVar("M", bound=models.Model)
P = ParamSpec("P")
R = TypeVar("R")

# --- transactions --------------------------------------------------------------------------------


class durable_action(Generic[P, R]):
    """Run a public action in its own durable transaction (`transaction.atomic(durable=True)`): it
    commits when the action returns, and calling it inside another transaction is an error (a
    `RuntimeError` from Django) rather than a change silently committed with someone else's. Code
    that already holds a transaction (another action, the demo loader) calls `do_x.inner(...)`, the
    same action without a transaction of its own. Django's `TestCase` (and pytest-django's `db`
    fixture) marks its own transaction so durable blocks still run inside a test."""

    def __init__(self, fn: Callable[P, R]) -> None:
        self.inner = fn
        functools.update_wrapper(self, fn)

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        with transaction.atomic(durable=True):
            return self.inner(*args, **kwargs)


def require_transaction(using: str | None = None) -> None:
    """Called first by a helper that writes on behalf of an action: refuse to run outside a
    transaction, where its writes would commit one by one and a later failure would leave half
    a change behind."""
    conn = transaction.get_connection(using) if using else connection
    if not conn.in_atomic_block:
        raise RuntimeError("this helper writes on behalf of an action and must run inside its transaction")


# --- locking and versions ------------------------------------------------------------------------


def lock(source: type[M] | models.QuerySet[M], pk: Any, *, not_found: Exception | None = None) -> M:
    """The row `pk` of a model (or of a queryset, to keep its scope), locked until the end of the
    transaction (`SELECT … FOR UPDATE`). A missing row — or an id that is not a number — raises
    `not_found` (default `NotFound`, the same 404 as a row outside the user's scope)."""
    queryset = source if isinstance(source, models.QuerySet) else source._default_manager.all()
    try:
        key = int(str(pk).strip())
    except (TypeError, ValueError):
        key = None
    # `of=("self",)`: only the row asked for, never the rows `select_related` joins in.
    found = queryset.select_for_update(of=("self",)).filter(pk=key).first() if key is not None else None
    if found is None:
        raise not_found if not_found is not None else NotFound()
    return found


def check_version(obj: Any, expected: Any, *, what: str | None = None, required: bool = False) -> None:
    """Refuse a change made on a stale copy: the `version` the user read (`expected`) must be the
    row's current one. `None` (or "") means the caller did not send a version: no check, unless
    `required`. The refusal is `Conflict` with 「记录已被他人修改，请刷新后重试」, or — given `what`
    (e.g. "项目") — a message naming the record and both versions."""
    if expected is None or (isinstance(expected, str) and not expected.strip()):
        if not required:
            return
        seen = None
    else:
        try:
            seen = int(str(expected).strip())
        except (TypeError, ValueError):
            seen = None
    current = obj.version
    if seen == current:
        return
    if what is None:
        raise Conflict()
    raise Conflict(
        f"该{what}已被他人修改（您打开的是第 {seen or '?'} 版，当前为第 {current} 版），"
        "请刷新页面，在最新内容上重新修改"
    )


def save_change(obj: models.Model, fields: Iterable[str], *, bump: bool = True) -> list[str]:
    """Save only the named fields, with `version + 1` (`bump`) and the model's `auto_now` fields
    (e.g. `updated_at`) — so a concurrent edit of other fields is never overwritten. Returns the
    fields saved."""
    names = set(fields)
    if bump:
        obj.version += 1  # type: ignore[attr-defined]
        names.add("version")
    names.update(f.name for f in obj._meta.concrete_fields if getattr(f, "auto_now", False))
    saved = sorted(names)
    obj.save(update_fields=saved)
    return saved


# --- state machines ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    """One move: the action (`action`, labelled `label` for people) takes a row in any of `sources`
    to `target` (which may be one of the sources: the action is allowed there and keeps the state)."""

    action: str
    label: str
    sources: frozenset[str]
    target: str


def move(action: str, label: str, sources: Iterable[Any], target: Any) -> Transition:
    return Transition(action, label, frozenset(str(s) for s in sources), str(target))


@dataclass(frozen=True)
class TransitionTable:
    """A state machine as data: which action may move a row from which state to which.

    `name` identifies it in docs (`<!-- workflow:<name> -->`), `states` is the model's
    `TextChoices` (its labels name the states), `noun` names the record in refusals
    (「会议当前为“已召开”，不能执行“召开”」). An action appears once; `check` is the only way the
    actions move a row."""

    name: str
    states: Any
    noun: str
    transitions: tuple[Transition, ...]
    initial: tuple[str, ...] = ()
    _by_action: Mapping[str, Transition] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        known = set(self.states.values)
        by_action: dict[str, Transition] = {}
        for t in self.transitions:
            if t.action in by_action:
                raise ValueError(f"{self.name}: action {t.action!r} appears twice")
            unknown = (t.sources | {t.target}) - known
            if unknown:
                raise ValueError(f"{self.name}: unknown states {sorted(unknown)} in {t.action!r}")
            by_action[t.action] = t
        if set(self.initial) - known:
            raise ValueError(f"{self.name}: unknown initial states {sorted(set(self.initial) - known)}")
        object.__setattr__(self, "_by_action", by_action)

    def label_of(self, state: Any) -> str:
        return str(self.states(str(state)).label)

    def transition(self, action: str) -> Transition:
        try:
            return self._by_action[action]
        except KeyError:
            raise ValueError(f"{self.name}: no action {action!r}") from None

    def check(self, state: Any, action: str, *, message: str | None = None, code: str | None = None) -> str:
        """The state `action` leads to from `state`, or `InvalidTransition` (409) naming both —
        or carrying the action's own `message`/`code` where the product already words it."""
        t = self.transition(action)
        if str(state) not in t.sources:
            raise InvalidTransition(
                message or f"{self.noun}当前为“{self.label_of(state)}”，不能执行“{t.label}”",
                code=code or "invalid_transition",
            )
        return t.target

    def allowed_actions(self, state: Any) -> list[str]:
        return [t.action for t in self.transitions if str(state) in t.sources]

    def final_states(self) -> list[str]:
        """States no action leaves."""
        left = {s for t in self.transitions for s in t.sources if s != t.target}
        return [s for s in self.states.values if s not in left]

    # --- the doc's view of the table --------------------------------------------------------------

    def as_markdown_table(self) -> str:
        lines = ["| action | 操作 | from | to |", "|---|---|---|---|"]
        for t in self.transitions:
            sources = ", ".join(f"`{s}` {self.label_of(s)}" for s in self.states.values if s in t.sources)
            lines.append(f"| `{t.action}` | {t.label} | {sources} | `{t.target}` {self.label_of(t.target)} |")
        return "\n".join(lines)

    def as_mermaid(self) -> str:
        lines = ["```mermaid", "stateDiagram-v2"]
        for s in self.initial:
            lines.append(f"    [*] --> {s}")
        for t in self.transitions:
            for s in self.states.values:
                if s in t.sources:
                    lines.append(f"    {s} --> {t.target}: {t.label}")
        lines.append("```")
        return "\n".join(lines)

    def as_doc_block(self) -> str:
        """What the doc keeps between `<!-- workflow:<name> -->` and `<!-- /workflow -->`."""
        states = "、".join(f"`{s}` {self.label_of(s)}" for s in self.states.values)
        return "\n".join(
            [
                f"States of the {self.noun} ({self.states.__name__}): {states}.",
                "",
                self.as_mermaid(),
                "",
                self.as_markdown_table(),
            ]
        )


def table(
    name: str, states: Any, noun: str, transitions: Iterable[Transition], *, initial: Iterable[Any] = ()
) -> TransitionTable:
    return TransitionTable(
        name=name,
        states=states,
        noun=noun,
        transitions=tuple(transitions),
        initial=tuple(str(s) for s in initial),
    )


# A workflow is its transition table.
Workflow = TransitionTable
