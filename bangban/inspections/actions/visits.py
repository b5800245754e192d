"""A team records its visit's result (无问题 / 责令整改 / 立案查处, with a note and the day of the
visit), and may correct it until the lead unit publishes it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from bangban.accounts.models import User
from bangban.audit.actions import record, snapshot
from bangban.core import kit
from bangban.core.errors import InvalidTransition, ValidationFailed
from bangban.core.inputs import parse_date
from bangban.core.kit import durable_action

from .. import workflow
from ..access import access_visit
from ..models import PlanStatus, Result, Visit
from ._common import text

OUTCOMES = [Result.NO_ISSUE, Result.RECTIFY, Result.CASE]
FIELDS = ["result", "note", "visited_on", "state", "recorded_by", "recorded_at"]


@durable_action
def do_record_result(
    *,
    acting_user: User,
    visit_id: Any,
    result: Any,
    note: Any = "",
    visited_on: Any = None,
    version: Any = None,
    now: dt.datetime,
) -> Visit:
    access_visit(acting_user, visit_id, "record")
    visit = kit.lock(Visit.objects.select_related("plan"), visit_id)
    kit.check_version(visit, version)
    if visit.plan.status not in (PlanStatus.ANNOUNCED, PlanStatus.CLOSED):
        raise InvalidTransition("抽取结果公示后才能录入检查结果", code="draw_not_announced")
    moved = workflow.VISIT.check(
        visit.state, "record", message="检查结果已公开，不能修改", code="result_published"
    )
    outcome = text(result)
    if not outcome:
        raise ValidationFailed("请选择检查结果", code="result_required", details={"field": "result"})
    if outcome not in OUTCOMES:
        raise ValidationFailed(
            "检查结果应为未发现问题、责令整改或立案查处", code="invalid_result", details={"field": "result"}
        )
    remark = text(note)
    if len(remark) > 500:
        raise ValidationFailed("结果说明不能超过 500 个字", code="note_too_long", details={"field": "note"})
    if outcome != Result.NO_ISSUE and not remark:
        raise ValidationFailed(
            "责令整改、立案查处须写明发现的问题", code="note_required", details={"field": "note"}
        )
    day = parse_date(visited_on, "visited_on", "检查日期")
    if day > timezone.localdate(now):
        raise ValidationFailed(
            "检查日期不能晚于今天", code="visited_in_future", details={"field": "visited_on"}
        )
    if not visit.plan.starts_on <= day <= visit.plan.ends_on:
        raise ValidationFailed(
            f"检查日期应在计划检查期限（{visit.plan.starts_on:%Y-%m-%d} 至 {visit.plan.ends_on:%Y-%m-%d}）内",
            code="visited_outside_period",
            details={"field": "visited_on"},
        )
    before = snapshot(visit, FIELDS)
    visit.result = outcome
    visit.note = remark
    visit.visited_on = day
    visit.state = moved
    visit.recorded_by = acting_user
    visit.recorded_at = now
    kit.save_change(visit, FIELDS)
    record(
        "inspections.result_record",
        actor=acting_user,
        obj=visit,
        before=before,
        after=snapshot(visit, FIELDS),
    )
    return visit
