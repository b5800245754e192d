"""Deadline policies (channel × urgency): setting and deleting them."""

from __future__ import annotations

from typing import Any

from bangban.accounts.models import User
from bangban.audit.actions import diff, record, snapshot
from bangban.core.errors import NotFound
from bangban.core.kit import durable_action

from ..models import Channel, DeadlinePolicy, Urgency
from ._common import MAX_EXTENSIONS, MAX_WARN_WORKDAYS, MAX_WORKDAYS, _invalid
from .access import require_config_admin


def _bounded(value: Any, name: str, label: str, upper: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise _invalid(name, "invalid_number", f"{label}应为整数") from exc
    if not 0 <= number <= upper:
        raise _invalid(name, "out_of_range", f"{label}应在 0 到 {upper} 之间")
    return number


@durable_action
def do_set_deadline_policy(
    *,
    acting_user: User,
    channel: str,
    urgency: str,
    workdays: Any,
    warn_workdays: Any = 1,
    max_extensions: Any = 1,
    note: str | None = None,
) -> DeadlinePolicy:
    """Create or change the policy of one channel × urgency (0 working days = 即办)."""
    require_config_admin(acting_user)
    if channel not in Channel.values:
        raise _invalid("channel", "invalid_channel", "渠道无效")
    if urgency not in Urgency.values:
        raise _invalid("urgency", "invalid_urgency", "紧急程度无效")
    days = _bounded(workdays, "workdays", "办理时限（工作日）", MAX_WORKDAYS)
    warn = _bounded(warn_workdays, "warn_workdays", "临期提醒（工作日）", MAX_WARN_WORKDAYS)
    extensions = _bounded(max_extensions, "max_extensions", "最多延期次数", MAX_EXTENSIONS)
    policy = DeadlinePolicy.objects.select_for_update().filter(channel=channel, urgency=urgency).first()
    if policy is None:
        policy = DeadlinePolicy.objects.create(
            channel=channel,
            urgency=urgency,
            workdays=days,
            warn_workdays=warn,
            max_extensions=extensions,
            note=(note or "").strip()[:200],
        )
        record("tickets.deadline_policy_created", actor=acting_user, obj=policy, after=snapshot(policy))
        return policy
    before = snapshot(policy)
    policy.workdays, policy.warn_workdays, policy.max_extensions = days, warn, extensions
    if note is not None:
        policy.note = note.strip()[:200]
    policy.save(update_fields=["workdays", "warn_workdays", "max_extensions", "note"])
    old, new = diff(before, snapshot(policy))
    if new:
        record("tickets.deadline_policy_updated", actor=acting_user, obj=policy, before=old, after=new)
    return policy


@durable_action
def do_delete_deadline_policy(*, acting_user: User, policy_id: int) -> None:
    """Remove a policy: cases of that channel × urgency can then not be dispatched until one is set
    (`deadline_rule_missing`)."""
    require_config_admin(acting_user)
    policy = DeadlinePolicy.objects.select_for_update().filter(pk=policy_id).first()
    if policy is None:
        raise NotFound()
    before = snapshot(policy)
    text = str(policy)
    policy.delete()
    record(
        "tickets.deadline_policy_deleted",
        actor=acting_user,
        object_type="tickets.deadlinepolicy",
        object_id=policy_id,
        object_repr=text,
        before=before,
    )
