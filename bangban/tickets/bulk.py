"""Set-based inserts for the sweeper: thousands of rows in a few statements, with
`ON CONFLICT DO NOTHING` and `RETURNING` on both databases (SQLite ≥ 3.35, PostgreSQL).

On PostgreSQL the rows travel as one array per column (`INSERT … SELECT … FROM unnest(…)`), so a
statement's size does not grow with the number of placeholders; on SQLite they are multi-row
VALUES in chunks below its placeholder limit. Values are adapted here per column type (aware
datetimes, JSON), without building model instances."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.db import connections, models, router

try:
    import psycopg
except ImportError:  # pragma: no cover - SQLite-only installations
    psycopg = None  # type: ignore[assignment]

_SQLITE_MAX_PARAMS = 30_000


class EncodedJSON(str):
    """A JSON value already encoded by the caller (for a column of many rows whose text is cheaper
    to build directly than through `json.dumps`); passed to the database as it is."""


def insert_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    conflict: Sequence[str] | None = None,
    returning: Sequence[str] = (),
) -> list[tuple[Any, ...]]:
    """INSERT `rows` (tuples in the order of `columns`, which are column names such as
    "ticket_id") into `model`'s table. With `conflict` (the columns of a unique constraint, or
    empty for any), rows that would violate it are skipped. Returns the `returning` columns of the
    rows actually inserted."""
    if not rows:
        return []
    connection = connections[router.db_for_write(model)]
    meta = model._meta
    qn = connection.ops.quote_name
    fields = {f.column: f for f in meta.concrete_fields}
    cols = ", ".join(qn(c) for c in columns)
    tail = ""
    if conflict is not None:
        target = f" ({', '.join(qn(c) for c in conflict)})" if conflict else ""
        tail += f" ON CONFLICT{target} DO NOTHING"
    if returning:
        tail += f" RETURNING {', '.join(qn(c) for c in returning)}"
    table = qn(meta.db_table)
    result: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays: list[list[Any]] = []
            casts: list[str] = []
            selects: list[str] = []
            for i, column in enumerate(columns):
                field = fields[column]
                values = [r[i] for r in rows]
                if isinstance(field, models.JSONField):
                    values = [_json_text(v) for v in values]
                    casts.append("text")
                    selects.append(f"c{i}::jsonb")
                else:
                    casts.append(field.db_type(connection) or "text")
                    selects.append(f"c{i}")
                arrays.append(values)
            unnest = ", ".join(f"%s::{cast}[]" for cast in casts)
            names = ", ".join(f"c{i}" for i in range(len(columns)))
            sql = (
                f"INSERT INTO {table} ({cols}) SELECT {', '.join(selects)} "
                f"FROM unnest({unnest}) AS t({names}){tail}"
            )
            # Server-side binding: the arrays go to the server as parameters (binary), instead of
            # being quoted into the SQL text as Django's default client-side cursor does.
            connection.ensure_connection()
            with psycopg.Cursor(connection.connection) as raw:
                raw.execute(sql.replace("%s", "%b"), arrays)
                if returning:
                    result = [tuple(r) for r in raw.fetchall()]
        else:
            adapters = [_sqlite_adapter(fields[c], connection) for c in columns]
            per_row = len(columns)
            chunk = max(1, _SQLITE_MAX_PARAMS // per_row)
            for start in range(0, len(rows), chunk):
                part = rows[start : start + chunk]
                params = [adapt(v) for r in part for adapt, v in zip(adapters, r, strict=True)]
                placeholders = ", ".join(["(" + ", ".join(["%s"] * per_row) + ")"] * len(part))
                cursor.execute(f"INSERT INTO {table} ({cols}) VALUES {placeholders}{tail}", params)
                if returning:
                    result.extend(tuple(r) for r in cursor.fetchall())
    return result


def _sqlite_adapter(field: models.Field, connection: Any) -> Any:
    if isinstance(field, models.DateTimeField):
        return lambda v: None if v is None else connection.ops.adapt_datetimefield_value(v)
    if isinstance(field, models.JSONField):
        return _json_text
    if isinstance(field, models.BooleanField):
        return lambda v: None if v is None else int(v)
    return lambda v: v


def _json_text(value: Any) -> str | None:
    if value is None or isinstance(value, EncodedJSON):
        return value
    return json.dumps(value, ensure_ascii=False)


__all__ = ["EncodedJSON", "insert_rows"]
