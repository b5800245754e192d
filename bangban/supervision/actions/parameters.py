"""The ranking settings (weights, minimum cases, ledger due day, bottom-place rule) and their change."""

from __future__ import annotations

from typing import Any

from bangban.audit.actions import record
from bangban.core.errors import ValidationFailed
from bangban.core.kit import durable_action

from .. import access
from ..models import DashboardMonth, SupervisionSettings
from ._common import _positive


def current_settings() -> SupervisionSettings:
    obj, _ = SupervisionSettings.objects.get_or_create(pk=1)
    return obj


def validate_weights(response: Any, resolution: Any, satisfaction: Any) -> tuple[int, int, int]:
    try:
        values = (int(response), int(resolution), int(satisfaction))
    except (TypeError, ValueError) as exc:
        raise ValidationFailed("权重必须是整数", code="weights_invalid") from exc
    if any(v < 0 or v > 100 for v in values):
        raise ValidationFailed("每项权重应在 0–100 之间", code="weights_invalid")
    if sum(values) != 100:
        raise ValidationFailed(
            f"响应率、解决率、满意率三项权重之和必须为 100（当前为 {sum(values)}）",
            code="weights_sum_invalid",
            details={"sum": sum(values)},
        )
    return values


def _flag(value: Any, name: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "on", "yes"):
        return True
    if text in ("", "0", "false", "off", "no", "none"):
        return False
    raise ValidationFailed(f"{name}应为是或否", code="settings_invalid")


@durable_action
def do_update_settings(user: Any, **values: Any) -> SupervisionSettings:
    access.require_manager(user)
    obj = current_settings()
    obj = SupervisionSettings.objects.select_for_update().get(pk=obj.pk)
    before = _settings_dict(obj)
    w = validate_weights(
        values.get("weight_response", obj.weight_response),
        values.get("weight_resolution", obj.weight_resolution),
        values.get("weight_satisfaction", obj.weight_satisfaction),
    )
    obj.weight_response, obj.weight_resolution, obj.weight_satisfaction = w
    obj.min_cases = _positive(values.get("min_cases", obj.min_cases), "最少诉求数", 0, 100000)
    obj.response_hours = _positive(values.get("response_hours", obj.response_hours), "签收时限", 1, 720)
    obj.ledger_due_day = _positive(values.get("ledger_due_day", obj.ledger_due_day), "台账截止日", 1, 28)
    obj.bottom_places = _positive(values.get("bottom_places", obj.bottom_places), "末位名次数", 0, 50)
    obj.bottom_months = _positive(values.get("bottom_months", obj.bottom_months), "连续末位月数", 1, 12)
    obj.ledger_all_units = _flag(values.get("ledger_all_units", obj.ledger_all_units), "无新增单位台账")
    obj.version += 1
    obj.save()
    # Previews kept with the dashboard summaries were computed under the old rules; stored
    # rankings keep theirs (a frozen month never changes, a draft changes when recomputed).
    DashboardMonth.objects.exclude(figures={}).update(figures={})
    record(
        "supervision.settings_update",
        actor=user,
        obj=obj,
        object_repr="督查排名设置",
        before=before,
        after=_settings_dict(obj),
    )
    return obj


def _settings_dict(obj: SupervisionSettings) -> dict[str, Any]:
    return {
        "weights": [obj.weight_response, obj.weight_resolution, obj.weight_satisfaction],
        "min_cases": obj.min_cases,
        "response_hours": obj.response_hours,
        "ledger_due_day": obj.ledger_due_day,
        "bottom_places": obj.bottom_places,
        "bottom_months": obj.bottom_months,
        "ledger_all_units": obj.ledger_all_units,
    }
