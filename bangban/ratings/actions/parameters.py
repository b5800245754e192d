"""The 好差评 parameters (one settings row) and their change."""

from __future__ import annotations

from typing import Any

from bangban.accounts.models import User
from bangban.audit.actions import record, snapshot
from bangban.core.errors import ValidationFailed
from bangban.core.kit import durable_action

from .. import access
from ..models import RatingSettings


def get_settings() -> RatingSettings:
    found = RatingSettings.objects.filter(pk=1).first()
    if found is None:
        found, _ = RatingSettings.objects.get_or_create(pk=1)
    return found


def _label(name: str) -> str:
    return str(getattr(RatingSettings._meta.get_field(name), "verbose_name", name))


@durable_action
def do_update_settings(*, acting_user: User, values: dict[str, Any]) -> RatingSettings:
    access.require_manager(acting_user, "只有营商办或管理员可以修改参数")
    limits = {
        "rectification_workdays": (0, 60),
        "max_reopens": (0, 10),
        "recheck_percent": (1, 100),
        "recheck_minimum": (0, 100000),
        "sms_link_days": (1, 90),
    }
    conf = get_settings()
    conf = RatingSettings.objects.select_for_update().get(pk=conf.pk)
    before = snapshot(conf)
    for name, (low, high) in limits.items():
        if name not in values or values[name] in (None, ""):
            continue
        try:
            value = int(values[name])
        except (TypeError, ValueError):
            raise ValidationFailed(f"{_label(name)}应为整数", code="invalid") from None
        if not low <= value <= high:
            raise ValidationFailed(
                f"{_label(name)}应在 {low}–{high} 之间",
                code="out_of_range",
            )
        setattr(conf, name, value)
    conf.version += 1
    conf.save()
    record("ratings.settings", actor=acting_user, obj=conf, before=before, after=snapshot(conf))
    return conf
