"""`initials__in_order="sysp"`: the letters appear in this order (`LIKE '%s%y%s%p%'`), a plain
LIKE that SQLite and PostgreSQL both run natively (a regular expression on SQLite calls back into
Python for every row). Registered on `Unit.initials` only (models.py)."""

from __future__ import annotations

from typing import Any

from django.db.models import Lookup


class InOrder(Lookup):
    lookup_name = "in_order"

    def get_db_prep_lookup(self, value: Any, connection: Any) -> Any:
        letters = "".join(ch for ch in str(value).lower() if ch.isalnum())
        return "%s", ["%" + "%".join(letters) + "%"]

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} LIKE {rhs}", [*lhs_params, *rhs_params]
