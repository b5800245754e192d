from typing import Any

import pytest
from django.db import connection

from bangban.conftest import _fresh_workday_calendar, demo_clock, login, workday_calendar, world  # noqa: F401  (shared cast)


@pytest.fixture(autouse=True)
def sqlite_like_ids(request: Any) -> None:
    """The matrix is recorded on SQLite, where a new row takes the table's highest id + 1, so the
    `1` of a minimal write body names the first row the test created of its kind. PostgreSQL's
    sequences keep counting across rolled-back tests; before the cast is built, each sequence is
    set to what SQLite would hand out next, so the same body names the same row on both."""
    if connection.vendor != "postgresql" or (
        "db" not in request.fixturenames and "world" not in request.fixturenames
    ):
        return
    request.getfixturevalue("db")
    with connection.cursor() as cursor:
        for sequence in connection.introspection.sequence_list():
            table, column = sequence["table"], sequence["column"] or "id"
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, %s), "
                f'COALESCE((SELECT MAX("{column}") FROM "{table}"), 0) + 1, false)',
                [f'"{table}"', column],
            )
