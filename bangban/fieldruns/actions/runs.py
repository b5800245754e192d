"""A run's life: a unit head books it (已预约), records it after the run (已完成: date, steps, time
taken and the problems found — or 未发现问题 with what was checked), cancels a booking with a
reason, and closes it (已销号) once every problem is an item verified or a case."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from bangban.accounts.models import User
from bangban.audit.actions import record, snapshot
from bangban.core import kit
from bangban.core.errors import InvalidTransition, ValidationFailed
from bangban.core.inputs import parse_date
from bangban.core.kit import durable_action

from .. import workflow
from ..access import lock_own_run, require_head
from ..models import Finding, ItemStatus, Run, RunKind, RunRole, RunStatus
from ._common import choice, flag, lines, required, text, whole_number

MAX_FINDINGS = 20
RUN_FIELDS = ["status", "done_on", "steps", "minutes", "no_problem", "checked"]


@dataclass
class RunInput:
    planned_on: Any = None
    service: Any = ""
    place: Any = ""
    kind: Any = ""
    role: Any = ""


@dataclass
class RecordInput:
    done_on: Any = None
    steps: Any = ""
    minutes: Any = None
    findings: Any = field(default_factory=list)
    no_problem: Any = False
    checked: Any = ""


def today(now: dt.datetime) -> dt.date:
    return timezone.localdate(now)


@durable_action
def do_book_run(*, acting_user: User, data: RunInput, now: dt.datetime) -> Run:
    """A unit head books a run of one of the unit's services (已预约). The planned day may not be
    past (`planned_on_in_past`)."""
    unit_id = require_head(acting_user)
    planned = parse_date(data.planned_on, "planned_on", "计划日期")
    if planned < today(now):
        raise ValidationFailed(
            "计划日期不能早于今天", code="planned_on_in_past", details={"field": "planned_on"}
        )
    run = Run.objects.create(
        number=f"tmp-{uuid.uuid4().hex[:16]}",
        unit_id=unit_id,
        runner=acting_user,
        planned_on=planned,
        service=required(data.service, "service", "请填写办理事项", 120),
        place=required(data.place, "place", "请填写大厅或现场", 120),
        kind=choice(data.kind, "kind", RunKind, "请选择方式"),
        role=choice(data.role, "role", RunRole, "请选择身份"),
        booked_at=now,
    )
    run.number = f"PXC{planned.year}-{run.pk:05d}"
    run.save(update_fields=["number"])
    record("fieldruns.run_book", actor=acting_user, obj=run, after=snapshot(run))
    return run


def _findings(data: RecordInput) -> tuple[list[str], bool, str]:
    found = lines(data.findings)
    no_problem = flag(data.no_problem)
    checked = text(data.checked, 2000)
    if no_problem and found:
        raise ValidationFailed(
            "已勾选“未发现问题”，不能同时填写发现的问题",
            code="findings_conflict",
            details={"field": "findings"},
        )
    if no_problem and not checked:
        raise ValidationFailed(
            "勾选“未发现问题”时，请说明检查了哪些环节（如材料清单、排队叫号、系统录入、出证）",
            code="checked_required",
            details={"field": "checked"},
        )
    if not no_problem and not found:
        raise ValidationFailed(
            "请至少记录一个发现的问题；确实没有问题的，请勾选“未发现问题”并说明检查了哪些环节",
            code="findings_required",
            details={"field": "findings"},
        )
    if len(found) > MAX_FINDINGS:
        raise ValidationFailed(
            f"一次最多记录 {MAX_FINDINGS} 个问题", code="too_many_findings", details={"field": "findings"}
        )
    if any(len(f) > 1000 for f in found):
        raise ValidationFailed(
            "每个问题不能超过 1000 个字", code="finding_too_long", details={"field": "findings"}
        )
    return found, no_problem, checked


@durable_action
def do_record_run(
    *, acting_user: User, run_id: Any, data: RecordInput, version: Any = None, now: dt.datetime
) -> Run:
    """The unit head records the run after it (已完成): when, the steps taken, the time taken and
    the problems found. Refused: a day in the future (`done_on_in_future`), a record with no
    problem and no 未发现问题 (`findings_required`)."""
    run = lock_own_run(acting_user, run_id)
    kit.check_version(run, version, what="跑现场记录")
    target = workflow.RUN.check(run.status, "record")
    done_on = parse_date(data.done_on, "done_on", "跑现场日期")
    if done_on > today(now):
        raise ValidationFailed(
            "跑现场日期不能晚于今天", code="done_on_in_future", details={"field": "done_on"}
        )
    steps = required(data.steps, "steps", "请填写办理环节（走了哪些流程）", 4000)
    minutes = whole_number(data.minutes, "minutes", "用时（分钟）", 1, 24 * 60)
    found, no_problem, checked = _findings(data)
    before = snapshot(run, RUN_FIELDS)
    run.status, run.done_on, run.steps, run.minutes = target, done_on, steps, minutes
    run.no_problem, run.checked, run.recorded_at = no_problem, checked, now
    kit.save_change(run, [*RUN_FIELDS, "recorded_at"])
    Finding.objects.bulk_create(Finding(run=run, seq=i, text=f) for i, f in enumerate(found, start=1))
    record(
        "fieldruns.run_record",
        actor=acting_user,
        obj=run,
        before=before,
        after={**snapshot(run, RUN_FIELDS), "findings": found},
    )
    return run


@durable_action
def do_cancel_run(
    *, acting_user: User, run_id: Any, reason: Any, version: Any = None, now: dt.datetime
) -> Run:
    run = lock_own_run(acting_user, run_id)
    kit.check_version(run, version, what="跑现场记录")
    target = workflow.RUN.check(run.status, "cancel")
    run.cancel_reason = required(reason, "reason", "请填写取消原因", 500)
    run.status = target
    kit.save_change(run, ["status", "cancel_reason"])
    record(
        "fieldruns.run_cancel",
        actor=acting_user,
        obj=run,
        before={"status": RunStatus.BOOKED},
        after={"status": target, "reason": run.cancel_reason},
    )
    return run


@durable_action
def do_close_run(*, acting_user: User, run_id: Any, version: Any = None, now: dt.datetime) -> Run:
    """销号: every problem found is an item verified (已核验销项) or a case. Refused with
    `open_items` (items not verified yet) or `findings_unhandled` (problems neither an item nor a
    case)."""
    run = lock_own_run(acting_user, run_id)
    kit.check_version(run, version, what="跑现场记录")
    target = workflow.RUN.check(run.status, "close")
    findings = list(run.findings.select_related("item").order_by("seq"))
    unhandled = [f.seq for f in findings if f.case_id is None and not hasattr(f, "item")]
    if unhandled:
        raise InvalidTransition(
            "还有问题未交办整改或转为诉求（第 " + "、".join(map(str, unhandled)) + " 个），不能销号",
            code="findings_unhandled",
        )
    still_open = [f.seq for f in findings if hasattr(f, "item") and f.item.status != ItemStatus.VERIFIED]
    if still_open:
        raise InvalidTransition(
            "还有整改事项未核验销项（第 " + "、".join(map(str, still_open)) + " 个问题），不能销号",
            code="open_items",
        )
    before = {"status": run.status}
    run.status, run.closed_at = target, now
    kit.save_change(run, ["status", "closed_at"])
    record("fieldruns.run_close", actor=acting_user, obj=run, before=before, after={"status": target})
    return run
