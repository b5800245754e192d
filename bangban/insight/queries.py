"""Reads of insight: the 智能分派 page's state and the monthly adoption and accuracy figures."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from bangban.org.models import Unit
from bangban.tickets.models import Category
from bangban.tickets.public import cases_in
from bangban.tickets.workflow import Status

from .advisor import active_model, min_confidence
from .models import RoutingModel, RoutingSettings, RoutingSuggestion
from .training import is_busy, training_row


def routing_state(now: dt.datetime) -> dict[str, Any]:
    """What the 智能分派 page shows above its figures."""
    row, suggester, problem = active_model()
    training = training_row()
    settings = RoutingSettings.objects.filter(pk=1).first()
    return {
        "active": row,
        "usable": suggester is not None,
        "problem": problem,
        "models": list(RoutingModel.objects.defer("blob").order_by("-version")[:20]),
        "training": training,
        "busy": is_busy(training, now),
        "min_confidence": min_confidence(),
        "settings_version": settings.version if settings else None,
    }


@dataclass
class Tally:
    suggested: int = 0
    adopted: int = 0
    judged: int = 0  # closed cases: the suggestion can be compared with the final answer
    right: int = 0

    @property
    def adoption(self) -> float | None:
        return self.adopted / self.suggested if self.suggested else None

    @property
    def accuracy(self) -> float | None:
        return self.right / self.judged if self.judged else None


@dataclass
class MonthFigures:
    month: str  # "2026-11"
    total: Tally = field(default_factory=Tally)
    by_category: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_unit: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))

    @property
    def groups(self) -> list[tuple[str, list[tuple[str, Tally]]]]:
        """(heading, [(name, tally)]) by category and by unit, the most suggested first."""
        return [
            ("诉求分类", sorted(self.by_category.items(), key=lambda kv: -kv[1].suggested)),
            ("主办单位", sorted(self.by_unit.items(), key=lambda kv: -kv[1].suggested)),
        ]


def monthly_figures(now: dt.datetime, months: int = 6) -> list[MonthFigures]:
    """建议采纳率 and accuracy per month of dispatch (Asia/Shanghai), overall, by the case's final
    category and by its final lead unit, for the last `months` months (newest first). Adopted: the
    dispatcher kept the suggested category and unit. Accurate: the suggestion names the category
    and lead unit the case was closed with (closed cases only)."""
    local = timezone.localtime(now)
    first = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    for _ in range(months - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    rows = list(
        RoutingSuggestion.objects.filter(dispatched_at__gte=first).values(
            "ticket_id", "category_id", "unit_id", "adopted", "dispatched_at"
        )
    )
    finals = {
        pk: (status, category, unit)
        for pk, status, category, unit in cases_in(r["ticket_id"] for r in rows).values_list(
            "pk", "status", "category_id", "lead_unit_id"
        )
    }
    categories = dict(Category.objects.values_list("pk", "path"))
    units = dict(Unit.objects.values_list("pk", "name"))
    by_month: dict[str, MonthFigures] = {}
    for r in rows:
        month = f"{timezone.localtime(r['dispatched_at']):%Y-%m}"
        figures = by_month.setdefault(month, MonthFigures(month))
        status, category, unit = finals.get(r["ticket_id"], (None, None, None))
        tallies = [
            figures.total,
            figures.by_category[categories.get(category, "（未分类）") if category else "（未分类）"],
            figures.by_unit[units.get(unit, "（无主办单位）") if unit else "（无主办单位）"],
        ]
        for tally in tallies:
            tally.suggested += 1
            tally.adopted += bool(r["adopted"])
            if status == Status.CLOSED:
                tally.judged += 1
                tally.right += (r["category_id"] in (None, category)) and (r["unit_id"] in (None, unit))
    return sorted(by_month.values(), key=lambda f: f.month, reverse=True)
