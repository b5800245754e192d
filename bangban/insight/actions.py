"""The writers of insight: 「立即训练」 and the routing settings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from bangban.audit.actions import record, snapshot
from bangban.core import kit
from bangban.core.errors import ValidationFailed

from .access import require_training_right
from .models import RoutingSettings, RoutingTraining
from .tasks import train_routing_task
from .training import claim

ACTION_LABELS = {
    "insight.training_request": "发起智能分派模型训练",
    "insight.model_trained": "智能分派模型训练完成",
    "insight.settings_update": "修改智能分派设置",
}


def _enqueue() -> None:
    train_routing_task.enqueue()


@kit.durable_action
def do_request_training(*, acting_user: Any, now: dt.datetime) -> RoutingTraining:
    """营商办 or an administrator starts a training now. Refused (409 training_in_progress) while
    another one is queued or running; the training itself runs in the background."""
    require_training_right(acting_user)
    row = claim(acting_user, now)
    record("insight.training_request", actor=acting_user, obj=row, after={"requested_at": now.isoformat()})
    transaction.on_commit(_enqueue, robust=True)
    return row


@kit.durable_action
def do_update_settings(
    *, acting_user: Any, min_confidence: Any, version: int | None, now: dt.datetime
) -> RoutingSettings:
    """Set the confidence below which a suggestion is shown but not pre-filled (0–1)."""
    require_training_right(acting_user)
    try:
        value = float(min_confidence)
    except (TypeError, ValueError) as exc:
        raise ValidationFailed("预填最低置信度应为 0 到 1 之间的数", code="min_confidence_invalid") from exc
    if not 0.0 <= value <= 1.0:
        raise ValidationFailed("预填最低置信度应为 0 到 1 之间的数", code="min_confidence_invalid")
    RoutingSettings.objects.get_or_create(pk=1)
    settings = kit.lock(RoutingSettings, 1)
    kit.check_version(settings, version)
    before = snapshot(settings, ["min_confidence"])
    settings.min_confidence = value
    kit.save_change(settings, ["min_confidence"])
    record(
        "insight.settings_update",
        actor=acting_user,
        obj=settings,
        before=before,
        after=snapshot(settings, ["min_confidence"]),
    )
    return settings
