"""The enterprise reports an entry that was not registered (R7.2): every report is a flag to 作风办."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from bangban.audit.actions import record, snapshot
from bangban.core.errors import ValidationFailed
from bangban.core.inputs import parse_date
from bangban.core.kit import durable_action

from ..access import require_enterprise_user
from ..models import UnregisteredReport
from ..queries import citable_item
from ._common import _required, _text

REPORT_WINDOW = dt.timedelta(days=366)


@durable_action
def do_report_unregistered(
    *,
    acting_user: Any,
    occurred_on: Any,
    unit_name: str,
    description: str,
    item_id: Any = None,
    now: dt.datetime,
) -> UnregisteredReport:
    require_enterprise_user(acting_user)
    day = parse_date(occurred_on, "occurred_on", "入企日期")
    today = timezone.localdate(now)
    if day > today:
        raise ValidationFailed(
            "入企日期不能晚于今天", code="occurred_in_future", details={"field": "occurred_on"}
        )
    if day < today - REPORT_WINDOW:
        raise ValidationFailed(
            "只能反映一年以内的入企情况", code="occurred_too_long_ago", details={"field": "occurred_on"}
        )
    unit = _required(unit_name, "unit_name", "请填写来访单位（不清楚可写“不详”并在说明中描述）", 120)
    text = _required(description, "description", "请填写情况说明", 1000)
    item = citable_item(item_id, on=day, today=today) if _text(item_id) else None
    report = UnregisteredReport.objects.create(
        enterprise_id=acting_user.enterprise_id,
        occurred_on=day,
        unit_name=unit,
        description=text,
        breached_item=item,
        reported_by=acting_user,
        reported_at=now,
    )
    record("conduct.unregistered_report", actor=acting_user, obj=report, after=snapshot(report))
    return report
