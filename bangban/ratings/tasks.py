"""Background work of ratings: the monthly 回头看 draw."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from bangban.core.errors import Conflict

from .recheck import do_draw, previous_month


@task()
def monthly_recheck_draw_task() -> str:
    """Draw last month's 回头看 sample (nothing if it was drawn already)."""
    year, month = previous_month(timezone.now())
    try:
        draw = do_draw(acting_user=None, year=year, month=month)
    except Conflict:
        return f"{year}-{month:02d} already drawn"
    return f"{year}-{month:02d}: {len(draw.sample_ids)} / {draw.population_count}"
