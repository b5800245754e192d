"""The tier chain (R12.2), the escalation settings and manual escalation of a case."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction

from bangban.accounts.access import has_any_role
from bangban.accounts.models import User
from bangban.accounts.roles import Role
from bangban.audit.actions import record
from bangban.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from bangban.core.kit import durable_action
from bangban.tickets.access import access_ticket
from bangban.tickets.events import add_event
from bangban.tickets.models import Ticket
from bangban.tickets.notifications import case_link, unit_members
from bangban.workdays.service import due

from .. import access
from ..models import AutoRule, CaseEscalation, EscalationSettings, EscalationStep, MeetingType, StepKind, Tier
from ._common import _check_open, _now, _tell, _text, _unit, _workdays, role_users


def settings_row() -> EscalationSettings:
    row = EscalationSettings.objects.filter(pk=1).first()
    if row is None:
        row, _ = EscalationSettings.objects.get_or_create(pk=1)
    return row


DEFAULT_TIERS = [
    (1, "接收单位办理", "unit", "", 5),
    (2, "专题会办", "meeting", MeetingType.TOPIC, 5),
    (3, "市营商办协调", "office", "", 5),
    (4, "常务副市长会办", "meeting", MeetingType.EXECUTIVE, 10),
]


def ensure_default_tiers() -> None:
    """The default chain (R12.2), if no tier is configured yet."""
    if Tier.objects.exists():
        return
    for level, name, kind, meeting_type, workdays in DEFAULT_TIERS:
        Tier.objects.get_or_create(
            level=level,
            defaults={"name": name, "kind": kind, "meeting_type": meeting_type, "workdays": workdays},
        )


def active_tiers() -> list[Tier]:
    ensure_default_tiers()
    return list(Tier.objects.filter(is_active=True).order_by("level"))


def tier_by_level(level: int) -> Tier | None:
    return Tier.objects.filter(level=level).first()


def next_tier(level: int) -> Tier | None:
    return Tier.objects.filter(is_active=True, level__gt=level).order_by("level").first()


def current_level(ticket: Ticket) -> int:
    row = CaseEscalation.objects.filter(ticket_id=ticket.pk).values_list("level", flat=True).first()
    return row or 1


@durable_action
def do_update_tier(
    *,
    acting_user: User,
    tier_id: int,
    name: str,
    workdays: Any,
    is_active: bool = True,
    owner_unit_id: Any = None,
) -> Tier:
    if not access.can_configure(acting_user):
        raise PermissionDenied("只有系统管理员或营商办可以配置会办层级")
    tier = Tier.objects.select_for_update().filter(pk=tier_id).first()
    if tier is None:
        raise NotFound()
    before = {"name": tier.name, "workdays": tier.workdays, "is_active": tier.is_active}
    tier.name = _text(name, code="name_required", message="层级名称不能为空", max_length=40)
    tier.workdays = _workdays(workdays, label="本级办理时限")
    if tier.level == 1 and not is_active:
        raise ValidationFailed("第1级（接收单位）不能停用", code="tier_required")
    tier.is_active = bool(is_active)
    tier.owner_unit = _unit(owner_unit_id) if owner_unit_id else None
    tier.save()
    record(
        "escalation.tiers",
        actor=acting_user,
        obj=tier,
        before=before,
        after={"name": tier.name, "workdays": tier.workdays, "is_active": tier.is_active},
    )
    return tier


SETTING_LABELS = {
    "auto_max_level": "自动升级最高层级",
    "dispute_window_workdays": "异议申请时限",
    "dispute_decision_workdays": "专班认定时限",
    "supervision_workdays": "督办默认答复时限",
}


@durable_action
def do_update_settings(*, acting_user: User, **values: Any) -> EscalationSettings:

    if not access.can_configure(acting_user):
        raise PermissionDenied("只有系统管理员或营商办可以修改分级会办参数")
    row = settings_row()
    row = EscalationSettings.objects.select_for_update().get(pk=row.pk)
    before = {f: getattr(row, f) for f in values}
    if "auto_rule" in values:
        if values["auto_rule"] not in AutoRule.values:
            raise ValidationFailed("自动升级规则无效", code="auto_rule_invalid")
        row.auto_rule = values["auto_rule"]
    for field in (
        "auto_max_level",
        "dispute_window_workdays",
        "dispute_decision_workdays",
        "supervision_workdays",
    ):
        if field in values:
            setattr(
                row,
                field,
                _workdays(values[field], label=SETTING_LABELS[field]),
            )
    row.save()
    record(
        "escalation.settings",
        actor=acting_user,
        obj=row,
        before=before,
        after={f: getattr(row, f) for f in values},
    )
    return row


def _escalation_row(ticket: Ticket) -> CaseEscalation | None:
    return CaseEscalation.objects.select_for_update().filter(ticket_id=ticket.pk).first()


@durable_action
def do_escalate(
    *,
    acting_user: User,
    ticket_id: int,
    reason: str,
    to_level: int | None = None,
    now: dt.datetime | None = None,
) -> EscalationStep:
    """Raise a case by hand to the next tier (or to `to_level`), with a reason."""
    now = _now(now)
    ensure_default_tiers()
    ticket = access_ticket(acting_user, ticket_id, "view", for_update=True)
    if not access.is_staff(acting_user):
        raise NotFound()
    _check_open(ticket, "升级会办")
    reason = _text(reason, code="reason_required", message="升级会办必须填写理由", max_length=500)
    row = _escalation_row(ticket)
    level = row.level if row else 1
    target = tier_by_level(int(to_level)) if to_level else next_tier(level)
    if target is None or not target.is_active:
        raise ValidationFailed("已是最高层级，或所选层级不存在、已停用", code="tier_invalid")
    if target.level <= level:
        raise ValidationFailed(f"诉求当前已在第{level}级，只能升至更高层级", code="tier_invalid")
    allowed = access.max_escalation_level(acting_user)
    if (
        has_any_role(acting_user, {Role.UNIT_HEAD})
        and allowed <= 2
        and ticket.lead_unit_id != acting_user.unit_id
    ):
        allowed = 0
    if target.level > allowed:
        raise PermissionDenied(f"您的角色不能将诉求升至第{target.level}级（{target.name}）")
    step = _apply_step(ticket, row, level, target, StepKind.MANUAL, reason, acting_user, now)
    _announce_step(ticket, step, acting_user)
    return step


def _apply_step(
    ticket: Ticket,
    row: CaseEscalation | None,
    level: int,
    target: Tier,
    kind: str,
    reason: str,
    actor: Any,
    now: dt.datetime,
) -> EscalationStep:
    tier_due = due(now, target.workdays).at
    try:
        with transaction.atomic():
            step = EscalationStep.objects.create(
                ticket=ticket,
                from_level=level,
                to_level=target.level,
                tier_name=target.name,
                kind=kind,
                reason=reason,
                actor=actor if getattr(actor, "pk", None) else None,
                actor_name=(getattr(actor, "display_name", "") or "系统")[:80],
                at=now,
                tier_due_at=tier_due,
            )
    except IntegrityError:
        raise Conflict(
            f"诉求已升至过第{target.level}级，每级只能升级一次", code="already_escalated"
        ) from None
    if row is None:
        CaseEscalation.objects.create(
            ticket=ticket, level=target.level, tier=target, entered_at=now, tier_due_at=tier_due
        )
    else:
        row.level, row.tier, row.entered_at, row.tier_due_at = target.level, target, now, tier_due
        row.version += 1
        row.save()
    add_event(
        ticket,
        "escalate",
        actor=actor,
        note=f"由第{level}级升至第{target.level}级（{target.name}）：{reason}",
        data={"from_level": level, "to_level": target.level, "kind": kind, "step_id": step.pk},
        audit_before={"level": level},
        audit_after={"level": target.level, "tier": target.name, "reason": reason[:200], "kind": kind},
        now=now,
    )
    return step


def escalation_recipients(ticket_id: int, lead_unit_id: int | None) -> list[User]:
    return role_users(Role.BIZ_OFFICE) + [u for u in unit_members(lead_unit_id, (Role.UNIT_HEAD,))]


def _announce_step(ticket: Ticket, step: EscalationStep, actor: Any) -> None:
    _tell(
        escalation_recipients(ticket.pk, ticket.lead_unit_id),
        actor,
        f"诉求升级会办：{ticket.number}",
        f"诉求{ticket.number}「{ticket.title[:30]}」已升至第{step.to_level}级（{step.tier_name}）：{step.reason}",
        case_link(ticket.pk),
        f"escalation-step:{step.pk}",
    )
