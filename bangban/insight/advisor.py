"""The routing advisor `InsightConfig.ready()` registers with `tickets.advice`: suggestions of the
active routing model for the dispatcher's cases, and the dispatcher's final choice recorded
against them.

The active model is read once per process and kept while it stays the active one (one indexed
query per call checks that). No model, or a damaged one, means no advice: the dispatch page
then works from the routing rule table alone.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Sequence
from typing import Any

from bangban.org.models import Unit
from bangban.tickets.advice import Advice
from bangban.tickets.models import Category

from .classifier import ModelUnavailable, loads
from .models import RoutingModel, RoutingSettings, RoutingSuggestion
from .routing import Suggester

log = logging.getLogger(__name__)

DEFAULT_MIN_CONFIDENCE = 0.6

_lock = threading.Lock()
_cache: dict[str, Any] = {"key": None, "suggester": None}


def min_confidence() -> float:
    value = RoutingSettings.objects.filter(pk=1).values_list("min_confidence", flat=True).first()
    return DEFAULT_MIN_CONFIDENCE if value is None else float(value)


def active_model() -> tuple[RoutingModel | None, Suggester | None, str]:
    """(the active model row, its suggester, "") — or a None suggester and why (no model yet,
    damaged model)."""
    row = RoutingModel.objects.filter(is_active=True).defer("blob").first()
    if row is None:
        return None, None, "尚无可用的智能分派模型（已办结案例积累后由营商办训练）"
    key = (row.pk, row.version, row.trained_at)
    with _lock:
        if _cache["key"] == key:
            return row, _cache["suggester"], _cache.get("problem", "")
    blob = RoutingModel.objects.filter(pk=row.pk).values_list("blob", flat=True).first()
    suggester: Suggester | None
    try:
        suggester, problem = loads(blob, Suggester), ""
    except ModelUnavailable as exc:
        log.warning("routing model v%s cannot be used: %s", row.version, exc)
        suggester, problem = None, f"智能分派模型 v{row.version} 无法使用：{exc}"
    with _lock:
        _cache.update({"key": key, "suggester": suggester, "problem": problem})
    return row, suggester, problem


def forget_cached_model() -> None:
    with _lock:
        _cache.update({"key": None, "suggester": None, "problem": ""})


def _advice(cases: Sequence[Any]) -> dict[int, Advice]:
    row, suggester, _ = active_model()
    if row is None or suggester is None or not cases:
        return {}
    found = suggester.suggest_many([(c.title, c.content) for c in cases])
    category_ids = {int(p.label) for p, _ in found if p}
    unit_ids = {int(p.label) for _, p in found if p}
    categories = dict(Category.objects.filter(pk__in=category_ids, is_active=True).values_list("pk", "path"))
    units = dict(Unit.objects.filter(pk__in=unit_ids, is_active=True).values_list("pk", "name"))
    threshold = min_confidence()
    out = {}
    for case, (category, unit) in zip(cases, found, strict=True):
        category_id = int(category.label) if category and int(category.label) in categories else None
        unit_id = int(unit.label) if unit and int(unit.label) in units else None
        if category_id is None and unit_id is None:
            continue  # what it learned no longer exists (a category or unit retired since)
        category_confidence = category.confidence if category and category_id else 0.0
        unit_confidence = unit.confidence if unit and unit_id else 0.0
        reasons: list[str] = []
        for p in (category, unit):
            for term in p.reasons if p else ():
                if term not in reasons:
                    reasons.append(term)
        out[case.pk] = Advice(
            model_version=row.version,
            category_id=category_id,
            category_name=categories.get(category_id, "") if category_id else "",
            category_confidence=round(category_confidence, 4),
            unit_id=unit_id,
            unit_name=units.get(unit_id, "") if unit_id else "",
            unit_confidence=round(unit_confidence, 4),
            reasons=tuple(reasons[:6]),
            threshold=threshold,
            prefill_category=category_id is not None and category_confidence >= threshold,
            prefill_unit=unit_id is not None and unit_confidence >= threshold,
        )
    return out


class InsightAdvisor:
    """Registered with `tickets.advice` (see `apps.py`)."""

    def advise(self, cases: Sequence[Any], now: dt.datetime) -> dict[int, Advice]:
        return _advice(cases)

    def dispatched(self, case: Any, acting_user: Any, now: dt.datetime) -> None:
        """Record the suggestion the active model makes for `case` and the dispatcher's choice
        (the case's category and lead unit as dispatched). Runs inside `do_dispatch`."""
        advice = _advice([case]).get(case.pk)
        if advice is None:
            return
        category_adopted = advice.category_id is not None and advice.category_id == case.category_id
        unit_adopted = advice.unit_id is not None and advice.unit_id == case.lead_unit_id
        RoutingSuggestion.objects.update_or_create(
            ticket_id=case.pk,
            defaults={
                "model_version": advice.model_version,
                "category_id": advice.category_id,
                "category_confidence": advice.category_confidence,
                "unit_id": advice.unit_id,
                "unit_confidence": advice.unit_confidence,
                "reasons": list(advice.reasons),
                "prefilled": advice.prefill,
                "final_category_id": case.category_id,
                "final_unit_id": case.lead_unit_id,
                "category_adopted": category_adopted,
                "unit_adopted": unit_adopted,
                "adopted": (advice.category_id is None or category_adopted)
                and (advice.unit_id is None or unit_adopted),
                "dispatched_by": acting_user,
                "dispatched_at": now,
            },
        )


ADVISOR = InsightAdvisor()
