"""The body of a hotspot run (堵点分析): read the window's cases, group them into problems, weigh
and class each problem, store the result. Called by the task (`hotspots_tasks.py`); it queues
nothing. Progress is written on the run row as it goes, so the page can show it."""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Callable
from typing import Any, cast

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from bangban.core import kit
from bangban.ratings.figures import bad_ratings_per_case
from bangban.tickets.models import Channel
from bangban.tickets.public import counted_cases

from . import clustering, hotspots
from .models import HotspotCase, HotspotProblem, HotspotRun, RunStatus

log = logging.getLogger("bangban.insight")

# Problems kept per run (the hottest).
MAX_PROBLEMS = 500
DEFAULT_WINDOW_DAYS = 30
# Earlier windows of the same length whose cases are the baseline (苗头性).
BASELINE_WINDOWS = 2


def configured_window_days() -> int:
    """The window of scheduled runs and the default of runs on demand (`BANGBAN_HOTSPOT_WINDOW_DAYS`)."""
    return int(getattr(settings, "BANGBAN_HOTSPOT_WINDOW_DAYS", DEFAULT_WINDOW_DAYS))


def new_run(*, now: dt.datetime, days: int, user: Any = None) -> HotspotRun:
    """A queued run over the `days` days before `now` (inside the caller's transaction)."""
    kit.require_transaction()
    return HotspotRun.objects.create(
        window_start=now - dt.timedelta(days=days),
        window_end=now,
        window_days=days,
        baseline_windows=BASELINE_WINDOWS,
        requested_at=now,
        requested_by=user,
    )


# A run queued or running for longer than this is taken as lost (its worker died) and no longer
# blocks a new one.
RUN_TIMEOUT = dt.timedelta(hours=2)


def unfinished_runs(now: dt.datetime) -> Any:
    """Runs queued or in progress, asked for within `RUN_TIMEOUT` before `now`."""
    return HotspotRun.objects.filter(
        status__in=[RunStatus.QUEUED, RunStatus.RUNNING], requested_at__gte=now - RUN_TIMEOUT
    )


def scheduled_run(now: dt.datetime) -> HotspotRun | None:
    """The queued run of the schedule, or None while another run is queued or running."""
    kit.require_transaction()
    if unfinished_runs(now).select_for_update().exists():
        return None
    return new_run(now=now, days=configured_window_days())


def _progress(run: HotspotRun, percent: int, stage: str, **fields: Any) -> None:
    HotspotRun.objects.filter(pk=run.pk).update(progress=percent, stage=stage, **fields)


def _rows(run: HotspotRun) -> list[Any]:
    since = run.window_start - dt.timedelta(days=run.window_days * run.baseline_windows)
    return list(
        counted_cases()
        .filter(received_at__gte=since, received_at__lt=run.window_end)
        .order_by("received_at", "id")
        .values(
            "id", "title", "content", "received_at", "enterprise_id", "region__name", "lead_unit__name",
            "enterprise__industry", "is_repeat", "channel",
        )
    )  # fmt: skip


def _figures(rows: list[dict[str, Any]], baseline: float, cohesion: float, bad: dict[int, int]) -> Any:
    days = [r["received_at"] for r in rows]
    return hotspots.ProblemFigures(
        cases=len(rows),
        enterprises=len({r["enterprise_id"] for r in rows if r["enterprise_id"]}),
        regions=Counter(r["region__name"] for r in rows if r["region__name"]),
        units=Counter(r["lead_unit__name"] for r in rows if r["lead_unit__name"]),
        industries=Counter(r["enterprise__industry"] for r in rows if r["enterprise__industry"]),
        day_span=(max(days) - min(days)).days if days else 0,
        repeats=sum(1 for r in rows if r["is_repeat"]),
        bad_ratings=sum(bad.get(r["id"], 0) for r in rows),
        baseline=baseline,
        cohesion=cohesion,
    )


def analyse(run: HotspotRun, rows: list[dict[str, Any]]) -> list[tuple[HotspotProblem, list[int]]]:
    """The problems of the window (unsaved), hottest first, each with its window's case ids in the
    order of closeness to the problem's centre."""
    by_id = {r["id"]: r for r in rows}
    documents = [
        clustering.Document(r["id"], r["title"], r["content"], private=r["channel"] == Channel.CONDUCT)
        for r in rows
    ]
    clusters = clustering.cluster_texts(documents, min_size=hotspots.MIN_CASES)
    # Each group's case ids in the window (its members are the ids the documents were keyed by).
    groups = [
        (c, [m for m in cast(list[int], c.members) if by_id[m]["received_at"] >= run.window_start])
        for c in clusters
    ]
    in_window = [(c, current) for c, current in groups if len(current) >= hotspots.MIN_CASES]
    bad = bad_ratings_per_case([m for _, current in in_window for m in current])
    found: list[tuple[HotspotProblem, list[int]]] = []
    for c, current in in_window:
        earlier = len(c.members) - len(current)
        baseline = earlier / run.baseline_windows if run.baseline_windows else 0.0
        figures = _figures([by_id[m] for m in current], baseline, c.cohesion, bad)
        classes = hotspots.classify(figures)
        # The representative is never a conduct complaint (作风直通车), nor is the label drawn from
        # one: it could name the complainant.
        shown = [m for m in current if by_id[m]["channel"] != Channel.CONDUCT]
        problem = HotspotProblem(
            run=run, rank=0, label=c.label[:200], phrases=c.phrases, representative_id=shown[0] if shown else None,
            case_count=figures.cases, enterprise_count=figures.enterprises, region_count=len(figures.regions),
            unit_count=len(figures.units), day_span=figures.day_span, repeat_count=figures.repeats,
            bad_rating_count=figures.bad_ratings, baseline=round(baseline, 2), heat=hotspots.heat(figures),
            emerging=classes.emerging, typical=classes.typical, concentrated=classes.concentrated,
            concentration=classes.concentration[:200], cohesion=c.cohesion,
        )  # fmt: skip
        found.append((problem, current))
    found.sort(key=lambda pc: (-pc[0].heat, -pc[0].case_count, pc[1][0]))
    return found[:MAX_PROBLEMS]


def run_hotspots(run_id: int, clock: Callable[[], dt.datetime] = timezone.now) -> str:
    """Carry out a queued run; a run that is not queued (already done, or taken by another worker)
    is left alone. `clock` tells the start and the end of the work."""
    now = clock()
    if not HotspotRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, started_at=now, progress=5, stage="读取诉求"
    ):
        return "skipped"
    run = HotspotRun.objects.get(pk=run_id)
    try:
        rows = _rows(run)
        window_count = sum(1 for r in rows if r["received_at"] >= run.window_start)
        _progress(run, 20, "文本聚类", case_count=window_count)
        found = analyse(run, rows)
        _progress(run, 80, "保存结果")
        with transaction.atomic():
            for rank, (problem, _) in enumerate(found, start=1):
                problem.rank = rank
            HotspotProblem.objects.bulk_create([p for p, _ in found])
            HotspotCase.objects.bulk_create(
                [
                    HotspotCase(problem=p, ticket_id=case_id, position=i)
                    for p, ids in found
                    for i, case_id in enumerate(ids)
                ],
                batch_size=2000,
            )
            HotspotRun.objects.filter(pk=run.pk).update(
                status=RunStatus.DONE, progress=100, stage="", problem_count=len(found),
                finished_at=clock(),
            )  # fmt: skip
    except Exception as exc:
        log.exception("hotspot run %s failed", run_id)
        HotspotRun.objects.filter(pk=run_id).update(status=RunStatus.FAILED, error=str(exc)[:500], stage="")
        return "failed"
    return "done"
