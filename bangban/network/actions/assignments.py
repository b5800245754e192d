"""Officers assigned to enterprises under the rank rules (R3.1): assignment, 动态调整 and ending."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from bangban.accounts.models import User
from bangban.accounts.roles import Role
from bangban.audit.actions import record, snapshot
from bangban.core import kit
from bangban.core.errors import Conflict, InvalidTransition, ValidationFailed
from bangban.core.inputs import parse_date
from bangban.core.kit import durable_action
from bangban.enterprises.access import access_enterprise
from bangban.enterprises.models import Enterprise
from bangban.notifications.actions import notify_user

from .. import rules
from ..access import access_assignment, require_manager
from ..models import Assignment
from ._common import _text, _today

NOTE_MAX = 200


def officer_facts(officer: User) -> rules.Officer:
    unit = officer.unit
    region = unit.region if unit is not None else None
    return rules.Officer(
        name=officer.display_name,
        rank=officer.rank or "",
        region_level=region.level if region is not None else None,
        region_path=region.path if region is not None else None,
    )


def check_officer(officer: User, enterprise: Enterprise) -> None:
    """Refuse (ValidationFailed with the rule's code and reason) an officer the rules do not allow."""
    if not officer.is_active or not officer.has_role(Role.SERVICE_OFFICER):
        raise ValidationFailed(
            f"{officer.display_name}不是在岗的帮办专员/驻厂员",
            code="not_an_officer",
            details={"field": "officer"},
        )
    refusal = rules.check_assignment(officer_facts(officer), enterprise.tier, enterprise.region.path)
    if refusal is not None:
        raise ValidationFailed(refusal.message, code=refusal.code, details={"field": "officer"})


def _resolve_officer(value: Any) -> User:
    """An officer by id (pages, API) or by user name (import)."""
    qs = User.objects.select_related("unit", "unit__region")
    officer = None
    if isinstance(value, User):
        officer = qs.filter(pk=value.pk).first()
    elif isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit()):
        officer = qs.filter(pk=int(value)).first()
    if officer is None and isinstance(value, str) and value.strip():
        officer = qs.filter(username=value.strip()).first()
    if officer is None:
        raise ValidationFailed("未找到该帮办专员账号", code="officer_not_found", details={"field": "officer"})
    return officer


@dataclass
class _Assigned:
    assignment: Assignment
    previous: Assignment | None


def _assign(
    *, acting_user: User, enterprise: Enterprise, officer: User, started_on: dt.date, note: str, replace: bool
) -> _Assigned:
    """The assignment itself, inside the caller's transaction, with the enterprise row locked."""
    if not enterprise.is_active:
        raise ValidationFailed("该企业已注销，不能安排帮办专员", code="enterprise_inactive")
    check_officer(officer, enterprise)
    current = (
        Assignment.objects.select_for_update().filter(enterprise=enterprise, ended_on__isnull=True).first()
    )
    if current is not None:
        if current.officer_id == officer.pk:
            raise Conflict(f"{officer.display_name}已是该企业的帮办专员", code="already_assigned")
        if not replace:
            raise Conflict(
                f"该企业已有帮办专员（{current.officer}），如需更换请选择“调整为新专员”",
                code="enterprise_has_officer",
            )
        if started_on < current.started_on:
            raise ValidationFailed(
                f"新专员的开始日期不能早于现任专员的开始日期（{current.started_on:%Y-%m-%d}）",
                code="start_before_current",
            )
        current.ended_on = started_on
        current.ended_by = acting_user
        current.end_reason = note or "动态调整"
        current.version += 1
        current.save(update_fields=["ended_on", "ended_by", "end_reason", "version"])
    assignment = Assignment.objects.create(
        officer=officer, enterprise=enterprise, started_on=started_on, note=note, created_by=acting_user
    )
    return _Assigned(assignment=assignment, previous=current)


def _clean_assignment_input(note: Any, started_on: Any, today: dt.date) -> tuple[str, dt.date]:
    note_text = _text(note)
    if len(note_text) > NOTE_MAX:
        raise ValidationFailed(
            f"备注不能超过 {NOTE_MAX} 个字", code="note_too_long", details={"field": "note"}
        )
    start = today if started_on in (None, "") else parse_date(started_on, "started_on", "开始日期")
    if start > today:
        raise ValidationFailed(
            "开始日期不能晚于今天", code="start_in_future", details={"field": "started_on"}
        )
    return note_text, start


def _notify_assigned(assigned: _Assigned, now: dt.datetime | None) -> None:
    a = assigned.assignment
    link = reverse("network:mine")
    notify_user(
        a.officer,
        f"您已挂钩帮办企业：{a.enterprise.name}",
        f"自 {a.started_on:%Y-%m-%d} 起，您作为帮办专员挂钩服务{a.enterprise.name}。"
        "请每月至少联系企业一次、每季度至少上门走访一次。",
        link=link,
        now=now,
    )
    if assigned.previous is not None:
        notify_user(
            assigned.previous.officer,
            f"挂钩调整：{a.enterprise.name}",
            f"自 {a.started_on:%Y-%m-%d} 起，{a.enterprise.name}改由{a.officer}挂钩服务。",
            link=link,
            now=now,
        )


def _assignment_after(a: Assignment) -> dict[str, Any]:
    return {
        **snapshot(a),
        "officer_name": a.officer.display_name,
        "enterprise_name": a.enterprise.name,
    }


@durable_action
def do_assign(
    *,
    acting_user: User,
    enterprise_id: int | str,
    officer_id: Any,
    started_on: Any = None,
    note: str = "",
    replace: bool = False,
    now: dt.datetime | None = None,
) -> Assignment:
    """Assign an officer to an enterprise under the rank rules (R3.1). An enterprise has one current
    officer: with `replace`, the current assignment ends the day the new one starts (动态调整)."""
    require_manager(acting_user)
    access_enterprise(acting_user, enterprise_id)
    note_text, start = _clean_assignment_input(note, started_on, _today(now))
    officer = _resolve_officer(officer_id)
    enterprise = Enterprise.objects.select_for_update().select_related("region").get(pk=int(enterprise_id))
    assigned = _assign(
        acting_user=acting_user,
        enterprise=enterprise,
        officer=officer,
        started_on=start,
        note=note_text,
        replace=replace,
    )
    a = assigned.assignment
    if assigned.previous is not None:
        record(
            "network.reassign",
            actor=acting_user,
            obj=a,
            before=_assignment_after(assigned.previous),
            after=_assignment_after(a),
        )
    else:
        record("network.assign", actor=acting_user, obj=a, after=_assignment_after(a))
    _notify_assigned(assigned, now)
    return a


@durable_action
def do_end_assignment(
    *,
    acting_user: User,
    assignment_id: int | str,
    reason: str,
    ended_on: Any = None,
    version: int | None = None,
    now: dt.datetime | None = None,
) -> Assignment:
    """End an assignment without a successor (the enterprise then shows in the coverage gaps)."""

    require_manager(acting_user)
    access_assignment(acting_user, assignment_id)
    reason_text = _text(reason)
    if not reason_text:
        raise ValidationFailed("请填写结束挂钩的原因", code="reason_required", details={"field": "reason"})
    if len(reason_text) > NOTE_MAX:
        raise ValidationFailed(
            f"原因不能超过 {NOTE_MAX} 个字", code="reason_too_long", details={"field": "reason"}
        )
    today = _today(now)
    end = today if ended_on in (None, "") else parse_date(ended_on, "ended_on", "结束日期")
    a = kit.lock(Assignment.objects.select_related("officer", "enterprise"), assignment_id)
    kit.check_version(a, version)
    if a.ended_on is not None:
        raise InvalidTransition("该挂钩安排已经结束", code="assignment_ended")
    if end > today:
        raise ValidationFailed("结束日期不能晚于今天", code="end_in_future", details={"field": "ended_on"})
    if end < a.started_on:
        raise ValidationFailed(
            "结束日期不能早于开始日期", code="end_before_start", details={"field": "ended_on"}
        )
    before = snapshot(a)
    a.ended_on = end
    a.ended_by = acting_user
    a.end_reason = reason_text
    kit.save_change(a, ["ended_on", "ended_by", "end_reason"])
    record("network.assignment_end", actor=acting_user, obj=a, before=before, after=snapshot(a))
    notify_user(
        a.officer,
        f"挂钩结束：{a.enterprise.name}",
        f"您对{a.enterprise.name}的挂钩服务已于 {end:%Y-%m-%d} 结束（{reason_text}）。",
        link=reverse("network:mine"),
        now=now,
    )
    return a


def current_assignment(enterprise_id: int) -> Assignment | None:
    return (
        Assignment.objects.select_related("officer", "officer__unit")
        .filter(enterprise_id=enterprise_id, ended_on__isnull=True)
        .first()
    )
