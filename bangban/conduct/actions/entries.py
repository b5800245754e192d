"""The 入企登记簿 (R7.2): an official registers an entry into an enterprise (from the gate QR code on a
phone, or from a page), records the time out, and the enterprise confirms the entry or reports it
as improper."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from bangban.audit.actions import record, snapshot
from bangban.core import kit
from bangban.core.errors import Conflict, ValidationFailed
from bangban.core.kit import durable_action
from bangban.enterprises.access import visible_enterprises
from bangban.enterprises.models import Enterprise

from .. import workflow
from ..access import access_entry, require_official
from ..models import Entry, Presence, Purpose
from ..queries import citable_item, current_settings
from ..rules import read_gate_token
from ._common import _parse_moment, _required, _text

# How far from `now` a registered time may lie: a little clock drift ahead, and a week back for an
# entry registered from the office afterwards.
AHEAD = dt.timedelta(minutes=10)
BACK = dt.timedelta(days=7)


@dataclass
class EntryInput:
    enterprise_id: Any = None
    purpose: str = ""
    description: str = ""
    companions: str = ""
    legal_basis: str = ""
    task_number: str = ""
    entered_at: Any = None
    gate_token: str = ""


def _enterprise(user: Any, data: EntryInput, now: dt.datetime) -> tuple[Enterprise, bool]:
    """The enterprise entered: the one the gate code names (any enterprise of the city — holding
    its code at its gate is the proof), or one in the official's scope."""
    named = None
    if data.enterprise_id not in (None, ""):
        try:
            named = int(str(data.enterprise_id).strip())
        except (TypeError, ValueError):
            named = 0
    token = _text(data.gate_token)
    if token:
        max_age = dt.timedelta(days=current_settings().gate_code_days)
        pk = read_gate_token(token, enterprise_id=named, now=now, max_age=max_age)
        found = Enterprise.objects.filter(pk=pk, is_active=True).first()
        via_gate = True
    else:
        if named is None:
            raise ValidationFailed(
                "请选择进入的企业", code="enterprise_required", details={"field": "enterprise"}
            )
        found = visible_enterprises(user).filter(pk=named, is_active=True).first()
        via_gate = False
    if found is None:
        raise ValidationFailed(
            "所选企业不存在或不在您的管辖范围内", code="enterprise_not_found", details={"field": "enterprise"}
        )
    return found, via_gate


def _check_fields(data: EntryInput) -> dict[str, str]:
    purpose = _text(data.purpose)
    if not purpose:
        raise ValidationFailed(
            "请选择入企事由（调研、参观、检查或执法）", code="purpose_required", details={"field": "purpose"}
        )
    if purpose not in Purpose.values:
        raise ValidationFailed(
            "入企事由应为调研、参观、检查或执法", code="invalid_purpose", details={"field": "purpose"}
        )
    description = _required(data.description, "description", "请填写入企具体事项", 500)
    legal_basis = _text(data.legal_basis, 300)
    task_number = _text(data.task_number, 60)
    if purpose in (Purpose.INSPECTION, Purpose.ENFORCEMENT) and not legal_basis:
        raise ValidationFailed(
            "检查、执法入企须填写检查依据（法律法规条款）", code="legal_basis_required",
            details={"field": "legal_basis"},
        )  # fmt: skip
    if purpose == Purpose.INSPECTION and not task_number:
        raise ValidationFailed(
            "检查入企须填写检查任务编号（如“双随机”抽查任务编号）", code="task_number_required",
            details={"field": "task_number"},
        )  # fmt: skip
    return {
        "purpose": purpose,
        "description": description,
        "legal_basis": legal_basis,
        "task_number": task_number,
        "companions": _text(data.companions, 200),
    }


def _moment(value: Any, field: str, label: str, now: dt.datetime) -> dt.datetime:
    moment = _parse_moment(value, field, label) or now
    if moment > now + AHEAD:
        raise ValidationFailed(
            f"{label}不能晚于现在", code=f"{field.removesuffix('_at')}_in_future", details={"field": field}
        )
    if moment < now - BACK:
        raise ValidationFailed(
            f"{label}距今超过 7 天，请联系作风办补登", code=f"{field.removesuffix('_at')}_too_long_ago",
            details={"field": field},
        )  # fmt: skip
    return moment


@durable_action
def do_register_entry(*, acting_user: Any, data: EntryInput, now: dt.datetime) -> Entry:
    """An official registers an entry: who (the acting user and his or her unit), the enterprise,
    the purpose, the legal basis and task number of an inspection, and the time in."""
    require_official(acting_user)
    fields = _check_fields(data)
    enterprise, via_gate = _enterprise(acting_user, data, now)
    entered_at = _moment(data.entered_at, "entered_at", "入企时间", now)
    if Entry.objects.filter(
        official=acting_user,
        enterprise=enterprise,
        presence=Presence.ON_SITE,
        entered_at__gte=now - dt.timedelta(hours=12),
    ).exists():
        raise Conflict("您已登记进入该企业且尚未离开，请先在该登记上点“离开”", code="already_on_site")
    entry = Entry.objects.create(
        enterprise=enterprise,
        official=acting_user,
        unit_id=acting_user.unit_id,
        entered_at=entered_at,
        registered_at=now,
        via_gate=via_gate,
        **fields,
    )
    record("conduct.entry_register", actor=acting_user, obj=entry, after=snapshot(entry))
    return entry


@durable_action
def do_leave_entry(
    *, acting_user: Any, entry_id: Any, left_at: Any = None, version: Any = None, now: dt.datetime
) -> Entry:
    """The registering unit records the time out (离开), once."""
    access_entry(acting_user, entry_id, "leave")
    entry = kit.lock(Entry, entry_id)
    kit.check_version(entry, version)
    moved = workflow.PRESENCE.check(
        entry.presence, "leave", message="该次入企已登记离开，不能重复登记", code="already_left"
    )
    moment = _moment(left_at, "left_at", "离开时间", now)
    if moment < entry.entered_at:
        raise ValidationFailed(
            "离开时间不能早于入企时间", code="left_before_entered", details={"field": "left_at"}
        )
    before = snapshot(entry, ["presence", "left_at"])
    entry.presence = moved
    entry.left_at = moment
    kit.save_change(entry, ["presence", "left_at"])
    record(
        "conduct.entry_leave",
        actor=acting_user,
        obj=entry,
        before=before,
        after=snapshot(entry, ["presence", "left_at"]),
    )
    return entry


DECISIONS = ("confirm", "report")


@durable_action
def do_respond_entry(
    *,
    acting_user: Any,
    entry_id: Any,
    decision: str,
    item_id: Any = None,
    note: str = "",
    version: Any = None,
    now: dt.datetime,
) -> Entry:
    """The enterprise confirms an entry, or reports it as improper citing the 负面清单 item in force
    on the day of the entry, with a note."""
    access_entry(acting_user, entry_id, "respond")
    action = _text(decision)
    if action not in DECISIONS:
        raise ValidationFailed(
            "确认结论无效，应为 confirm（确认）或 report（反映不当）", code="invalid_decision",
            details={"field": "decision"},
        )  # fmt: skip
    entry = kit.lock(Entry, entry_id)
    kit.check_version(entry, version)
    moved = workflow.RESPONSE.check(
        entry.response, action, message="该次入企已确认或已反映，不能重复提交", code="already_responded"
    )
    text = _text(note, 500)
    item = None
    if action == "report":
        item = citable_item(item_id, on=timezone.localdate(entry.entered_at), today=timezone.localdate(now))
        if not text:
            raise ValidationFailed(
                "请说明入企不当的具体情况", code="report_note_required", details={"field": "note"}
            )
    before = snapshot(entry, ["response", "breached_item", "response_note"])
    entry.response = moved
    entry.response_note = text
    entry.breached_item = item
    entry.responded_by = acting_user
    entry.responded_at = now
    kit.save_change(entry, ["response", "response_note", "breached_item", "responded_by", "responded_at"])
    record(
        "conduct.entry_confirm" if action == "confirm" else "conduct.entry_report",
        actor=acting_user,
        obj=entry,
        before=before,
        after=snapshot(entry, ["response", "breached_item", "response_note"]),
    )
    return entry
