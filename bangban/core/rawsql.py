"""Fixed reads of the hot paths (API authentication, intake, dispatch) as plain SQL.

Building a query through the ORM costs far more Python than running it (compiling the WHERE,
the joins and the column list on every call). A read whose shape never changes is written here
once as SQL; its rows become model instances exactly as the ORM would make them (`load`: the
same database converters, `Model.from_db`), so nothing downstream can tell the difference.

Use only for reads whose SQL is the same on SQLite and PostgreSQL (`%s` placeholders, quoted
names from `columns`/`table`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.db import connections, models, router

M = TypeVar("M", bound=models.Model)

Converter = Callable[[Any, Any, Any], Any]
_converters: dict[tuple[type[models.Model], str], list[tuple[str, list[Converter], Any]]] = {}


def _fields(model: type[models.Model], alias: str) -> list[tuple[str, list[Converter], Any]]:
    """(attname, converters, expression) of each concrete field, as the ORM's compiler would
    convert it on this database."""
    key = (model, alias)
    found = _converters.get(key)
    if found is None:
        connection = connections[alias]
        found = []
        for field in model._meta.concrete_fields:
            col = field.get_col(model._meta.db_table)
            converters = [*connection.ops.get_db_converters(col), *field.get_db_converters(connection)]  # type: ignore[attr-defined]
            found.append((field.attname, converters, col))
        _converters[key] = found
    return found


def table(model: type[models.Model], using: str | None = None) -> str:
    """The model's quoted table name."""
    return connections[using or router.db_for_read(model)].ops.quote_name(model._meta.db_table)


def columns(model: type[models.Model], prefix: str, using: str | None = None) -> str:
    """The quoted select list of every concrete column of `model`, qualified by `prefix` (a
    table name or alias), in the order `load` reads them."""
    q = connections[using or router.db_for_read(model)].ops.quote_name
    return ", ".join(f"{q(prefix)}.{q(f.column)}" for f in model._meta.concrete_fields)


def width(model: type[models.Model]) -> int:
    """How many columns `columns(model, …)` selects."""
    return len(model._meta.concrete_fields)


def load(model: type[M], row: Sequence[Any], start: int = 0, using: str | None = None) -> M:
    """The instance of `model` read from `row[start:start + width(model)]`, as the ORM makes it."""
    alias = using or router.db_for_read(model)
    connection = connections[alias]
    fields = _fields(model, alias)
    names = []
    values = []
    for offset, (attname, converters, col) in enumerate(fields):
        value = row[start + offset]
        for converter in converters:
            value = converter(value, col, connection)
        names.append(attname)
        values.append(value)
    return model.from_db(alias, names, values)  # type: ignore[return-value]


def fetch(model: type[models.Model], sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """The rows of `sql` run on the database `model` is read from."""
    with connections[router.db_for_read(model)].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
