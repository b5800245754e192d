"""Training routing models from the city's closed cases (the body of the training task).

One training at a time: the single `RoutingTraining` row is claimed (locked, refused unless idle)
by whoever starts one — 营商办's 「立即训练」 (`actions.do_request_training`) or the weekly job
(`run_scheduled_training`) — and set back to idle when the training ends, whatever its outcome.
A claim older than `STALE_AFTER` is taken to belong to a worker that died and may be taken over.

The closed cases are split by closing time: the most recent tenth is held back. The new model is
trained on the rest and scored on the held-back cases, and so is the active model; the new one
is switched in only when it scores higher (or when there is no usable active model).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from typing import Any

from django.db import transaction
from django.db.models import Max, Q

from bangban.audit.actions import record
from bangban.core import kit
from bangban.core.errors import Conflict
from bangban.tickets.public import closed_cases

from . import routing
from .advisor import forget_cached_model
from .classifier import ModelUnavailable, dumps, loads
from .models import RoutingModel, RoutingTraining, TrainingState

log = logging.getLogger(__name__)

STALE_AFTER = dt.timedelta(hours=6)
BUSY_MESSAGE = "已有一次智能分派模型训练正在进行，请等待其完成后再试"


def training_row() -> RoutingTraining:
    row, _ = RoutingTraining.objects.get_or_create(pk=1)
    return row


def is_busy(row: RoutingTraining, now: dt.datetime) -> bool:
    if row.state == TrainingState.IDLE:
        return False
    since = row.started_at or row.requested_at
    return since is None or since > now - STALE_AFTER


def claim(acting_user: Any, now: dt.datetime) -> RoutingTraining:
    """Lock the training row and mark it queued for `acting_user` (None: the weekly job); a
    training already queued or running refuses with `Conflict` (409 training_in_progress)."""
    kit.require_transaction()
    training_row()
    row = kit.lock(RoutingTraining, 1)
    if is_busy(row, now):
        raise Conflict(BUSY_MESSAGE, code="training_in_progress")
    row.state = TrainingState.QUEUED
    row.requested_by = acting_user
    row.requested_at = now
    row.started_at = None
    kit.save_change(row, ["state", "requested_by", "requested_at", "started_at"])
    return row


def _closed_cases() -> list[routing.ClosedCase]:
    rows = closed_cases().values_list("title", "content", "category_id", "lead_unit_id", "closed_at")
    return [
        routing.ClosedCase(
            title=title,
            text=content,
            category=str(category) if category else None,
            unit=str(unit) if unit else None,
            closed_at=closed_at,
        )
        for title, content, category, unit, closed_at in rows.iterator()
        if closed_at is not None
    ]


def _active_score(held: list[routing.ClosedCase]) -> tuple[RoutingModel | None, float | None]:
    active = RoutingModel.objects.filter(is_active=True).first()
    if active is None:
        return None, None
    try:
        return active, routing.score(loads(active.blob, routing.Suggester), held).overall
    except ModelUnavailable as exc:
        log.warning("the active routing model v%s cannot be scored: %s", active.version, exc)
        return active, None


def train_and_compare(now: dt.datetime) -> str:
    """Train on the closed cases, compare on the held-back ones, store the new model (active when
    it wins). Returns the outcome in words."""
    cases = _closed_cases()
    if len(cases) < routing.MIN_CASES:
        return f"已办结案例 {len(cases)} 件，少于 {routing.MIN_CASES} 件，暂不训练"
    train, held = routing.split_recent(cases)
    suggester = routing.train(train)
    if suggester is None:
        return "已办结案例的分类和主办单位都只有一种，无从学习，暂不训练"
    scores = routing.score(suggester, held)
    blob = dumps(suggester)
    with transaction.atomic(durable=True):
        active, active_score = _active_score(held)
        wins = active_score is None or scores.overall > active_score
        version = (RoutingModel.objects.aggregate(v=Max("version"))["v"] or 0) + 1
        if wins and active is not None:
            RoutingModel.objects.filter(Q(is_active=True)).update(is_active=False)
        model = RoutingModel.objects.create(
            version=version,
            trained_at=now,
            trained_on=len(train),
            holdout_cases=len(held),
            holdout_score=scores.overall,
            category_score=scores.category,
            unit_score=scores.unit,
            active_score=active_score,
            is_active=wins,
            note="已启用"
            if wins
            else f"留出准确率未超过启用中的 v{active.version if active else '?'}，未启用",
            blob=blob,
        )
        record(
            "insight.model_trained",
            obj=model,
            after={
                "version": version,
                "trained_on": len(train),
                "holdout_cases": len(held),
                "holdout_score": round(scores.overall, 4),
                "active_score": None if active_score is None else round(active_score, 4),
                "activated": wins,
            },
        )
    if wins:
        transaction.on_commit(forget_cached_model)
        return f"模型 v{version} 已启用（留出验证准确率 {scores.overall:.1%}，{len(held)} 件）"
    return f"模型 v{version} 未启用：留出验证准确率 {scores.overall:.1%} 未超过启用中的模型（{active_score:.1%}）"


def run_training(now: dt.datetime) -> str:
    """The claimed training: mark it running, train, and set the row idle with the outcome."""
    started = time.perf_counter()
    RoutingTraining.objects.filter(pk=1).update(state=TrainingState.RUNNING, started_at=now)
    try:
        outcome = train_and_compare(now)
    except Exception as exc:  # the row must return to idle whatever went wrong
        log.exception("routing training failed")
        outcome = f"训练失败：{exc}"[:300]
    finished = now + dt.timedelta(seconds=time.perf_counter() - started)
    RoutingTraining.objects.filter(pk=1).update(
        state=TrainingState.IDLE, finished_at=finished, outcome=outcome[:300]
    )
    return outcome


def run_scheduled_training(now: dt.datetime) -> str:
    """The weekly training: claims the row like a request does; skipped when one is running."""
    try:
        with transaction.atomic(durable=True):
            claim(None, now)
    except Conflict:
        return "已有训练在进行，本次定时训练跳过"
    return run_training(now)
