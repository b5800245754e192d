"""The problems found on a run, followed to their end: a problem becomes a rectification item
(整改事项: owner unit, responsible person, deadline in working days or a date) or a case (诉求,
taken in through the case system's intake); the owner unit reports the item done with what
changed (整改完成), and the run's unit head verifies it (核验销项) or sends it back."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from bangban.accounts.models import User
from bangban.audit.actions import record, snapshot
from bangban.core import kit
from bangban.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from bangban.core.inputs import parse_date
from bangban.core.kit import durable_action
from bangban.org.models import Unit
from bangban.tickets.intake import API_POLICIES, IntakeInput, do_intake
from bangban.tickets.models import Channel, IntakeMode
from bangban.workdays.service import due, get_calendar

from .. import workflow
from ..access import lock_own_run, manages, may_report, visible_items, visible_runs
from ..models import Finding, Item, ItemStatus
from ._common import required, text, whole_number
from .runs import today

MAX_WORKDAYS = 60
VERDICTS = {"verify": "fieldruns.item_verify", "send_back": "fieldruns.item_send_back"}


@dataclass
class ItemInput:
    finding_id: Any = None
    owner_unit_id: Any = None
    owner_person: Any = ""
    requirement: Any = ""
    deadline: Any = None
    workdays: Any = None


def _owner_unit(value: Any) -> Unit:
    found = text(value)
    if not found:
        raise ValidationFailed("请选择责任单位", code="owner_unit_required", details={"field": "owner_unit"})
    pk = int(found) if found.isdigit() and len(found) < 12 else 0
    unit = Unit.objects.filter(pk=pk, is_active=True).first()
    if unit is None:
        raise ValidationFailed(
            "所选责任单位不存在或已停用", code="owner_unit_not_found", details={"field": "owner_unit"}
        )
    return unit


def deadline_of(data: ItemInput, now: dt.datetime) -> dt.date:
    """The deadline: a date typed (a working day, not before today), or N working days from today
    (`bangban.workdays`); neither → `deadline_required`."""
    if text(data.deadline):
        day = parse_date(data.deadline, "deadline", "整改时限")
        if day < today(now):
            raise ValidationFailed(
                "整改时限不能早于今天", code="deadline_in_past", details={"field": "deadline"}
            )
        if not get_calendar().is_workday(day):
            raise ValidationFailed(
                f"整改时限 {day:%Y-%m-%d} 不是工作日，请选择工作日", code="deadline_not_workday",
                details={"field": "deadline"},
            )  # fmt: skip
        return day
    if text(data.workdays):
        days = whole_number(data.workdays, "workdays", "整改时限（工作日）", 1, MAX_WORKDAYS)
        return due(now, days).date
    raise ValidationFailed(
        "请填写整改时限（截止日期或工作日数）", code="deadline_required", details={"field": "deadline"}
    )


def _finding(run_id: int, finding_id: Any) -> Finding:
    found = text(finding_id)
    pk = int(found) if found.isdigit() and len(found) < 12 else 0
    finding = Finding.objects.select_for_update().filter(run_id=run_id, pk=pk).first()
    if finding is None:
        raise ValidationFailed(
            "请选择本次跑现场发现的问题", code="finding_not_found", details={"field": "finding"}
        )
    if finding.case_id is not None or Item.objects.filter(finding=finding).exists():
        raise Conflict("该问题已交办整改或已转为诉求", code="finding_handled")
    return finding


@durable_action
def do_add_item(
    *, acting_user: User, run_id: Any, data: ItemInput, version: Any = None, now: dt.datetime
) -> Item:
    """交办整改事项: a problem of the run gets an owner unit, a responsible person and a deadline;
    the run is 整改中."""
    run = lock_own_run(acting_user, run_id)
    kit.check_version(run, version, what="跑现场记录")
    target = workflow.RUN.check(run.status, "add_item")
    finding = _finding(run.pk, data.finding_id)
    owner = _owner_unit(data.owner_unit_id)
    person = required(data.owner_person, "owner_person", "请填写责任人", 50)
    deadline = deadline_of(data, now)
    item = Item.objects.create(
        run=run, finding=finding, owner_unit=owner, owner_person=person,
        requirement=text(data.requirement, 2000), deadline=deadline, created_by=acting_user, created_at=now,
    )  # fmt: skip
    run.status = target
    kit.save_change(run, ["status"])
    record(
        "fieldruns.item_add",
        actor=acting_user,
        obj=item,
        after={**snapshot(item), "run": run.number, "finding": finding.text},
    )
    return item


@durable_action
def do_raise_case(*, acting_user: User, finding_id: Any, now: dt.datetime) -> Finding:
    """转为诉求: the problem is taken in as a case of the “办不成事” window (the case system's
    intake, in the run's unit and region) and followed there; the run is 整改中."""
    found = text(finding_id)
    pk = int(found) if found.isdigit() and len(found) < 12 else 0
    run_id = (
        Finding.objects.filter(pk=pk, run__in=visible_runs(acting_user))
        .values_list("run_id", flat=True)
        .first()
    )
    if run_id is None:
        raise NotFound()
    run = lock_own_run(acting_user, run_id)
    target = workflow.RUN.check(run.status, "raise_case")
    finding = _finding(run.pk, pk)
    unit = Unit.objects.select_related("region").get(pk=run.unit_id)
    result = do_intake(
        API_POLICIES[Channel.WINDOW],
        acting_user,
        IntakeInput(
            title=f"跑现场发现：{finding.text[:50]}",
            content=(
                f"{finding.text}\n\n（{run.runner.display_name} {run.done_on:%Y-%m-%d} {run.get_kind_display()}"
                f"“{run.service}”（{run.place}，{run.get_role_display()}）时发现，跑现场记录 {run.number}）"
            )[:5000],
            region_code=unit.region.code if unit.region_id else "",
        ),
        now=now,
        intake_mode=IntakeMode.COUNTER,
    )
    finding.case = result.ticket
    finding.save(update_fields=["case"])
    run.status = target
    kit.save_change(run, ["status"])
    record(
        "fieldruns.finding_case",
        actor=acting_user,
        obj=run,
        after={"finding": finding.seq, "text": finding.text, "case": result.ticket.number},
    )
    return finding


def _lock_item(user: Any, item_id: Any) -> Item:
    return kit.lock(visible_items(user).select_related("run", "finding"), item_id)


@durable_action
def do_report_item(
    *, acting_user: User, item_id: Any, change: Any, version: Any = None, now: dt.datetime
) -> Item:
    """整改完成: the owner unit's head (or the run's) says what changed; the item awaits verification."""
    item = _lock_item(acting_user, item_id)
    if not may_report(acting_user, item):
        raise PermissionDenied("只有责任单位或跑现场单位的负责人可以报告整改完成")
    kit.check_version(item, version, what="整改事项")
    target = workflow.ITEM.check(item.status, "report")
    before = snapshot(item, ["status", "change", "done_on"])
    item.change = required(change, "change", "请填写整改情况（改了什么、怎么改的）", 2000)
    item.status, item.done_on, item.reported_by = target, today(now), acting_user
    kit.save_change(item, ["status", "change", "done_on", "reported_by"])
    record(
        "fieldruns.item_report",
        actor=acting_user,
        obj=item,
        before=before,
        after=snapshot(item, ["status", "change", "done_on"]),
    )
    return item


@durable_action
def do_verify_item(
    *, acting_user: User, item_id: Any, verdict: Any, note: Any = "", version: Any = None, now: dt.datetime
) -> Item:
    """The run's unit head verifies what changed (核验销项) or sends the item back with a note."""
    item = _lock_item(acting_user, item_id)
    if not manages(acting_user, item.run):
        raise PermissionDenied("只有跑现场单位的负责人可以核验整改事项")
    action = text(verdict)
    if action not in VERDICTS:
        raise ValidationFailed(
            "核验结论无效，应为 verify（核验销项）或 send_back（退回重新整改）", code="invalid_verdict",
            details={"field": "verdict"},
        )  # fmt: skip
    kit.check_version(item, version, what="整改事项")
    target = workflow.ITEM.check(item.status, action)
    remark = text(note, 1000)
    if action == "send_back" and not remark:
        raise ValidationFailed(
            "退回须填写核验意见（哪里还没改到位）", code="note_required", details={"field": "note"}
        )
    before = snapshot(item, ["status", "verify_note"])
    item.status, item.verify_note = target, remark
    fields = ["status", "verify_note"]
    if action == "verify":
        item.verified_by, item.verified_at = acting_user, now
        fields += ["verified_by", "verified_at"]
    kit.save_change(item, fields)
    record(
        VERDICTS[action],
        actor=acting_user,
        obj=item,
        before=before,
        after=snapshot(item, ["status", "verify_note"]),
    )
    return item


def open_item(item: Item) -> bool:
    return item.status != ItemStatus.VERIFIED
