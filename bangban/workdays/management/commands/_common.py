"""Shared by the calendar commands: audit events they cause are marked as coming from the command line."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from bangban.core.middleware import RequestContext, reset_context, set_context


@contextmanager
def command_context() -> Iterator[None]:
    token = set_context(RequestContext(ip=None, user_agent="manage.py", source="command"))
    try:
        yield
    finally:
        reset_context(token)


def years_text(years: list[int] | tuple[int, ...]) -> str:
    return "、".join(str(y) for y in years)
