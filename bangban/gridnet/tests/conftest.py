"""The case system's `cases` cast, for filing and following the 一张网 work orders."""

from bangban.tickets.tests.conftest import cases  # noqa: F401
