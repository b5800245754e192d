"""Routing suggestions learned from closed cases (pure, no ORM): a category classifier and a lead
unit classifier over the case's title and text, trained together and judged on held-back cases.

Training examples are the city's own closed cases: their final category and the unit that led the
handling are the labels. The most recent cases (`HOLDOUT_SHARE`) are held back: a new model is
scored on them, and so is the active one, so the two are compared on cases neither has seen.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from .classifier import Example, Prediction, TextClassifier

__all__ = [
    "HOLDOUT_SHARE",
    "MIN_CASES",
    "ClosedCase",
    "Scores",
    "Suggester",
    "score",
    "split_recent",
    "train",
]

HOLDOUT_SHARE = 0.1  # the most recent tenth of the closed cases judges a new model
MIN_CASES = 20  # fewer closed cases than this teach nothing worth suggesting


@dataclass(frozen=True)
class ClosedCase:
    title: str
    text: str
    category: str | None  # the final category's id, as text
    unit: str | None  # the id of the unit that led the handling, as text
    closed_at: dt.datetime


@dataclass(frozen=True)
class Scores:
    """Accuracy on held-back cases: of the category, of the unit, and their mean (`overall`)."""

    overall: float
    category: float | None
    unit: float | None
    cases: int


class Suggester:
    """The two classifiers of a routing model; either may be missing (a city whose cases all have
    one category, say) and then that part is not suggested."""

    def __init__(self, category: TextClassifier | None, unit: TextClassifier | None, trained_on: int) -> None:
        self.category = category
        self.unit = unit
        self.trained_on = trained_on

    def suggest_many(
        self, pairs: Sequence[tuple[str, str]]
    ) -> list[tuple[Prediction | None, Prediction | None]]:
        none: list[Prediction | None] = [None] * len(pairs)
        categories: list[Prediction | None] = (
            list(self.category.predict_many(pairs)) if self.category else none
        )
        units: list[Prediction | None] = list(self.unit.predict_many(pairs)) if self.unit else none
        return list(zip(categories, units, strict=True))


def split_recent(
    cases: Sequence[ClosedCase], share: float = HOLDOUT_SHARE
) -> tuple[list[ClosedCase], list[ClosedCase]]:
    """(older cases to train on, the most recent `share` held back); at least one held back."""
    ordered = sorted(cases, key=lambda c: c.closed_at)
    held = max(1, math.ceil(len(ordered) * share))
    return ordered[:-held], ordered[-held:]


def _head(cases: Sequence[ClosedCase], field: str) -> TextClassifier | None:
    examples = [Example(c.title, c.text, getattr(c, field)) for c in cases if getattr(c, field)]
    if len({e.label for e in examples}) < 2:
        return None
    return TextClassifier().fit(examples)


def train(cases: Sequence[ClosedCase]) -> Suggester | None:
    """A suggester trained on `cases`, or None when neither label has two values to tell apart."""
    category, unit = _head(cases, "category"), _head(cases, "unit")
    if category is None and unit is None:
        return None
    return Suggester(category, unit, trained_on=len(cases))


def score(suggester: Suggester, held: Sequence[ClosedCase]) -> Scores:
    """How often the suggester names the held-back cases' final category and unit."""
    found = suggester.suggest_many([(c.title, c.text) for c in held])
    category_hits = [p.label == c.category for c, (p, _) in zip(held, found, strict=True) if p and c.category]
    unit_hits = [p.label == c.unit for c, (_, p) in zip(held, found, strict=True) if p and c.unit]
    category = sum(category_hits) / len(category_hits) if category_hits else None
    unit = sum(unit_hits) / len(unit_hits) if unit_hits else None
    parts = [x for x in (category, unit) if x is not None]
    return Scores(
        overall=sum(parts) / len(parts) if parts else 0.0, category=category, unit=unit, cases=len(held)
    )
