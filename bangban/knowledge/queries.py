"""Reading the answer knowledge base: the search the list page, the API and the hotline's lookup
share. Works the same on SQLite and PostgreSQL (case-insensitive `LIKE`, no full-text index).

The query is split on spaces (full-width ones too); every term must appear in the question, the
keywords, the area or the answer. Entries are ranked by how many terms their question or keywords
hold, then by how often agents have cited them, then by question."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, ExpressionWrapper, IntegerField, Q, QuerySet, Value, When

from bangban.core.errors import ValidationFailed

from .access import is_keeper, visible_entries
from .models import AREA_MAX, Entry, EntryStatus

MAX_TERMS = 8
TERM_MAX = 50
STATUS_FILTERS = ("active", "retired", "all")


def terms_of(text: Any) -> list[str]:
    """The distinct search terms of a query, at most `MAX_TERMS`, each cut to `TERM_MAX`."""
    seen: list[str] = []
    for term in str(text or "").split():
        term = term[:TERM_MAX]
        if term.casefold() not in {t.casefold() for t in seen}:
            seen.append(term)
        if len(seen) == MAX_TERMS:
            break
    return seen


def _head(term: str) -> Q:
    return Q(question__icontains=term) | Q(keywords__icontains=term)


def search(user: Any, params: dict[str, Any]) -> QuerySet[Entry]:
    """The entries `user` may read that match `params`: `q` (terms), `area` (exact), `status`
    (`active` by default; `retired` and `all` show retired entries to keepers only)."""
    status = str(params.get("status") or "active").strip()
    if status not in STATUS_FILTERS:
        raise ValidationFailed(
            "状态应为 active（在用）、retired（已停用）或 all（全部）",
            code="invalid_status",
            details={"field": "status"},
        )
    qs = visible_entries(user)
    if status != "all" or not is_keeper(user):
        qs = qs.filter(status=EntryStatus.RETIRED if status == "retired" else EntryStatus.ACTIVE)
    area = str(params.get("area") or "").strip()[:AREA_MAX]
    if area:
        qs = qs.filter(area=area)
    terms = terms_of(params.get("q"))
    for term in terms:
        qs = qs.filter(_head(term) | Q(area__icontains=term) | Q(answer__icontains=term))
    hits: Any = Value(0)
    for term in terms:
        hits = hits + Case(When(_head(term), then=Value(1)), default=Value(0), output_field=IntegerField())
    return (
        qs.annotate(head_hits=ExpressionWrapper(hits, output_field=IntegerField()))
        .select_related("updated_by")
        .order_by("-head_hits", "-use_count", "question", "pk")
    )


def areas_in_use(user: Any) -> list[str]:
    return list(
        visible_entries(user).exclude(area="").values_list("area", flat=True).distinct().order_by("area")
    )
