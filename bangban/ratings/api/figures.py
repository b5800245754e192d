"""`/ratings/figures`: the monthly rating figures (R14.2)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Schema

from bangban.core.answers import answers
from bangban.core.errors import NotFound
from bangban.core.schemas import MonthField, YearField
from bangban.org.models import Unit

from .. import access
from ..figures import monthly_bad_ratings, unit_month_figures
from ._common import router
from .rating import rating_out


class RatingMonthQuery(Schema):
    year: YearField
    month: MonthField


@router.get("/figures", response=answers(dict), summary="单位月度指标与差评清单")
def figures(request: HttpRequest, query: Query[RatingMonthQuery]) -> dict[str, Any]:
    if not access.has_any_role(request.user, access.FIGURE_ROLES):
        raise NotFound()
    data = unit_month_figures(query.year, query.month)
    condition = access.unit_condition(request.user)
    bad = monthly_bad_ratings(query.year, query.month)
    if condition is not None:
        allowed = set(
            Unit.objects.filter(access.unit_condition(request.user, field="self")).values_list(
                "pk", flat=True
            )
        )  # type: ignore[arg-type]
        data = {k: v for k, v in data.items() if k in allowed}
        bad = bad.filter(condition)
    return {
        "year": query.year,
        "month": query.month,
        "units": [{"unit_id": k, **v} for k, v in sorted(data.items())],
        "bad_ratings": [rating_out(r) for r in bad[:1000]],
    }
