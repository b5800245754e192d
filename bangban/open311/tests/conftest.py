"""The case system's `cases` cast, for filing and following Open311 requests."""

from bangban.tickets.tests.conftest import cases  # noqa: F401
