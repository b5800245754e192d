"""Helpers the 帮办代办 actions share: text, moments, dates and the enterprise a form names."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from bangban.core.errors import ValidationFailed
from bangban.core.input_guard import MESSAGE as FORBIDDEN_MESSAGE
from bangban.core.input_guard import has_forbidden_characters
from bangban.enterprises.access import visible_enterprises
from bangban.enterprises.models import Enterprise

from ..models import NAME_MAX

# A moment a little ahead of `now` is clock drift, not the future.
DRIFT = dt.timedelta(minutes=5)


def text(value: Any, field: str, label: str, limit: int, *, required: bool = False) -> str:
    if value is not None and not isinstance(value, str | int | float):
        raise ValidationFailed(f"{label}应为文字", code=f"invalid_{field}", details={"field": field})
    result = str(value if value is not None else "").replace("\r\n", "\n").strip()
    if has_forbidden_characters(result):
        raise ValidationFailed(FORBIDDEN_MESSAGE, code="invalid_characters", details={"field": field})
    if required and not result:
        raise ValidationFailed(f"请填写{label}", code=f"{field}_required", details={"field": field})
    if len(result) > limit:
        raise ValidationFailed(
            f"{label}不能超过 {limit} 个字（现有 {len(result)} 个字）",
            code=f"{field}_too_long",
            details={"field": field},
        )
    return result


def moment(
    value: Any, field: str, label: str, now: dt.datetime, *, required: bool = True
) -> dt.datetime | None:
    """A moment from the API (datetime) or a form (2026-11-18T09:30), never later than `now`."""
    if value in (None, ""):
        if required:
            raise ValidationFailed(f"请填写{label}", code=f"{field}_required", details={"field": field})
        return None
    found: dt.datetime | None
    if isinstance(value, dt.datetime):
        found = value
    else:
        raw = str(value).strip().replace(" ", "T")
        try:
            found = parse_datetime(raw)
        except ValueError:
            found = None
        if found is None:
            raise ValidationFailed(
                f"{label}格式不正确，应为 2026-01-02 09:30", code=f"invalid_{field}", details={"field": field}
            )
    if found.year < 2000:
        raise ValidationFailed(f"{label}不能早于 2000 年", code=f"invalid_{field}", details={"field": field})
    if timezone.is_naive(found):
        found = timezone.make_aware(found)
    if found > now + DRIFT:
        raise ValidationFailed(f"{label}不能晚于现在", code="time_in_future", details={"field": field})
    return found


def day(value: Any, field: str, label: str) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    raw = str(value or "").strip()
    if not raw:
        raise ValidationFailed(f"请填写{label}", code=f"{field}_required", details={"field": field})
    try:
        found = parse_date(raw)
    except ValueError:
        found = None
    if found is None:
        raise ValidationFailed(
            f"{label}格式不正确，应为 2026-01-02", code=f"invalid_{field}", details={"field": field}
        )
    return found


def enterprise(user: Any, enterprise_id: Any, name: Any) -> tuple[Enterprise | None, str]:
    """The enterprise served: a registered one in the user's scope (by id), or a name in free text
    for one not registered (as the counter's intake takes it)."""
    if enterprise_id not in (None, ""):
        try:
            pk = int(str(enterprise_id).strip())
        except (TypeError, ValueError):
            pk = 0
        found = visible_enterprises(user).filter(pk=pk).first() if 0 < pk < 2**31 else None
        if found is None:
            raise ValidationFailed(
                "所选企业不存在或不在您的管辖范围内",
                code="enterprise_not_found",
                details={"field": "enterprise"},
            )
        return found, found.name
    free = text(name, "enterprise_name", "企业名称", NAME_MAX)
    if not free:
        raise ValidationFailed(
            "请选择企业，或填写未登记企业的名称", code="enterprise_required", details={"field": "enterprise"}
        )
    return None, free
