"""Background work of supervision: generating last month's ledgers, reminding late units and
computing the dashboard's counts. Task entry points only: the bodies are in `actions` and
`dashboard_counts`, which never queue tasks."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from .actions import do_generate_ledgers, remind_ledgers, run_detection
from .dashboard_counts import build_months, refresh_live
from .figures import previous_month


@task()
def generate_ledgers_task() -> int:
    """On the first days of a month: the previous month's ledgers of every responsible unit."""
    today = timezone.localdate()
    year, month = previous_month(today.year, today.month)
    return len(do_generate_ledgers(None, year, month))


@task()
def remind_ledgers_task() -> int:
    """Remind units whose ledger is due within 3 days or late (once a day per ledger)."""
    return remind_ledgers(timezone.now())


@task()
def refresh_dashboard_task() -> int:
    """Recompute the dashboard counts of the months that still change (the current month, and the
    previous one until its counts are settled); past months stay as they are."""
    return len(refresh_live(timezone.now()))


@task()
def build_dashboard_task(months: list[list[int]]) -> int:
    """Compute the dashboard summaries of the months a page found missing or stale."""
    return build_months([(int(y), int(m)) for y, m in months])


@task()
def detect_inaction_task(
    year: int | None = None, month: int | None = None, actor_id: int | None = None
) -> int:
    """不作为/慢作为 detection of a month (default: the previous month) as of now; idempotent."""
    now = timezone.now()
    if year is None or month is None:
        today = timezone.localdate(now)
        year, month = previous_month(today.year, today.month)
    actor = None
    if actor_id is not None:
        from bangban.accounts.models import User  # noqa: PLC0415 (only for the audit record's actor)

        actor = User.objects.filter(pk=actor_id).first()
    return run_detection(int(year), int(month), now, actor=actor).findings
