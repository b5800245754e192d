"""The automatic escalation sweep (R12.2), run by the periodic job `escalation.sweep`.

The rule is configurable (`EscalationSettings.auto_rule`, `auto_max_level`):

- `tier_deadline` (default): a case still unresolved when its current tier's deadline has passed
  goes up one tier. At tier 1 (the receiving unit) the deadline is the case's own handling
  deadline (the 2/5/15 working days of its channel); higher tiers have their own deadline in
  working days, counted from the moment the case entered them.
- `overdue`: only an overdue case at tier 1 goes up (to tier 2); higher tiers only by hand.
- `off`: nothing automatic.

A case goes no higher than `auto_max_level` automatically (default 3, 市营商办); the 常务副市长
会办 is decided by people. Suspended cases are skipped (their clock is stopped); a case returned
to the dispatcher keeps its deadline and is swept, like the deadline sweeper does.

How "each case at most once per tier" holds with several workers, as in `tickets/sweeper.py`:

1. each batch is claimed with `SELECT … FOR UPDATE SKIP LOCKED` (of the case or escalation row);
2. the step is an `EscalationStep(ticket, to_level)` row inserted with `ON CONFLICT DO NOTHING
   RETURNING`; the unique constraint lets exactly one transaction insert it, and only the cases
   this statement returns are moved, get a timeline entry and are announced;
3. the move itself is a set-based `UPDATE … WHERE id IN (…) AND level = <from>`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from bangban.accounts.models import User
from bangban.accounts.roles import Role
from bangban.audit.actions import record
from bangban.tickets import notifications as case_notifications
from bangban.tickets.bulk import insert_rows
from bangban.tickets.models import TicketEvent, Visibility
from bangban.tickets.public import all_cases
from bangban.tickets.workflow import CLOCK_RUNNING, Status
from bangban.workdays.service import due

from .actions import ensure_default_tiers, settings_row
from .models import AutoRule, CaseEscalation, EscalationStep, StepKind, Tier

SWEPT_STATUSES = [s.value for s in CLOCK_RUNNING | {Status.PENDING_DISPATCH}]


def _claim_tier1(now: dt.datetime, batch_size: int) -> list[dict[str, Any]]:
    qs: Any = (
        all_cases()
        .select_for_update(skip_locked=True, of=("self",))
        .filter(status__in=SWEPT_STATUSES, due_at__lte=now, escalation__isnull=True)
        .order_by("id")
        .values("id", "number", "title", "lead_unit_id")
    )
    return list(qs[:batch_size])


def _claim_higher(now: dt.datetime, max_level: int, batch_size: int) -> list[dict[str, Any]]:
    qs = (
        CaseEscalation.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(
            level__gte=2,
            level__lt=max_level,
            tier_due_at__lte=now,
            ticket__status__in=SWEPT_STATUSES,
        )
        .order_by("id")
        .values("id", "level", "ticket_id", "ticket__number", "ticket__title", "ticket__lead_unit_id")
    )
    return [
        {
            "escalation_id": r["id"],
            "level": r["level"],
            "id": r["ticket_id"],
            "number": r["ticket__number"],
            "title": r["ticket__title"],
            "lead_unit_id": r["ticket__lead_unit_id"],
        }
        for r in qs[:batch_size]
    ]


def _insert_steps(
    rows: list[dict[str, Any]], from_level: int, target: Tier, now: dt.datetime, tier_due: Any
) -> set[int]:
    reason = (
        "已超过办理期限仍未办结，自动升级"
        if from_level == 1
        else f"第{from_level}级时限届满仍未办结，自动升级"
    )
    inserted = insert_rows(
        EscalationStep,
        [
            "ticket_id",
            "from_level",
            "to_level",
            "tier_name",
            "kind",
            "reason",
            "actor_name",
            "at",
            "tier_due_at",
        ],
        [
            (
                r["id"],
                from_level,
                target.level,
                target.name,
                StepKind.AUTO.value,
                reason,
                "系统",
                now,
                tier_due,
            )
            for r in rows
        ],
        conflict=["ticket_id", "to_level"],
        returning=["ticket_id"],
    )
    return {ticket_id for (ticket_id,) in inserted}


def _announce(
    rows: list[dict[str, Any]], from_level: int, target: Tier, now: dt.datetime, biz: list[int]
) -> int:
    """Timeline entries, one audit entry for the batch, and one summary per 营商办 member and per
    head of the lead units."""
    note = f"由第{from_level}级自动升至第{target.level}级（{target.name}）"
    insert_rows(
        TicketEvent,
        ["ticket_id", "at", "actor_name", "kind", "from_status", "to_status", "note", "visibility", "data"],
        [
            (
                r["id"],
                now,
                "系统",
                "escalate",
                "",
                "",
                note,
                Visibility.INTERNAL.value,
                {"from_level": from_level, "to_level": target.level, "kind": StepKind.AUTO.value},
            )
            for r in rows
        ],
    )
    record(
        "escalation.sweep",
        object_type="tickets.ticket",
        object_repr=f"自动升级：{len(rows)} 件诉求升至第{target.level}级（{target.name}）",
        after={"to_level": target.level, "ticket_ids": [r["id"] for r in rows]},
    )
    heads: dict[int, list[dict[str, Any]]] = defaultdict(list)
    unit_ids = {r["lead_unit_id"] for r in rows if r["lead_unit_id"]}
    by_unit: dict[int, list[int]] = defaultdict(list)
    for pk, unit_id in (
        User.objects.filter(unit_id__in=unit_ids, is_active=True, roles__code=Role.UNIT_HEAD)
        .distinct()
        .values_list("pk", "unit_id")
    ):
        by_unit[unit_id].append(pk)
    for r in rows:
        for head in by_unit.get(r["lead_unit_id"], []):
            heads[head].append(r)
    key = f"{target.level}:{min(r['id'] for r in rows)}:{now:%Y%m%d%H%M}"
    items = []
    for user_id, their in [*((u, rows) for u in biz), *heads.items()]:
        listed = "\n".join(f"{r['number']}「{r['title'][:30]}」" for r in their[:20])
        more = f"\n……共 {len(their)} 件" if len(their) > 20 else ""
        items.append(
            (
                user_id,
                f"{len(their)} 件诉求自动升至第{target.level}级（{target.name}）",
                f"以下诉求{note}，请组织会办：\n{listed}{more}",
                "/escalation/?level=" + str(target.level),
                f"escalation-sweep:{key}:inapp:{user_id}",
            )
        )
    return case_notifications.queue_inapp_many(items)


def sweep_escalations(
    now: dt.datetime | None = None, batch_size: int = 2000, rule: str | None = None
) -> dict[str, int]:
    """One sweep at `now`. Returns counts: `escalated` cases, `batches`, `notifications`."""

    now = now or timezone.now()
    ensure_default_tiers()
    config = settings_row()
    rule = rule or config.auto_rule
    counts = {"escalated": 0, "batches": 0, "notifications": 0}
    if rule == AutoRule.OFF:
        return counts
    tiers = list(Tier.objects.filter(is_active=True).order_by("level"))
    above = {t.level: next((u for u in tiers if u.level > t.level), None) for t in tiers}
    above[1] = next((u for u in tiers if u.level > 1), None)
    biz = list(
        User.objects.filter(is_active=True, roles__code=Role.BIZ_OFFICE)
        .distinct()
        .values_list("pk", flat=True)
    )
    tier_dues: dict[int, Any] = {}

    def due_of(tier: Tier) -> Any:
        if tier.level not in tier_dues:
            tier_dues[tier.level] = due(now, tier.workdays).at
        return tier_dues[tier.level]

    # Tier 1 → the next tier: cases past their own handling deadline.
    first = above[1]
    if first is not None and first.level <= config.auto_max_level:
        while True:
            with transaction.atomic():
                rows = _claim_tier1(now, batch_size)
                if not rows:
                    break
                fresh = _insert_steps(rows, 1, first, now, due_of(first))
                moved = [r for r in rows if r["id"] in fresh]
                if moved:
                    insert_rows(
                        CaseEscalation,
                        [
                            "ticket_id",
                            "level",
                            "tier_id",
                            "entered_at",
                            "tier_due_at",
                            "version",
                            "updated_at",
                        ],
                        [(r["id"], first.level, first.pk, now, due_of(first), 1, now) for r in moved],
                        conflict=["ticket_id"],
                    )
                    counts["notifications"] += _announce(moved, 1, first, now, biz)
                counts["escalated"] += len(moved)
                counts["batches"] += 1
                if not moved:
                    break
    if rule != AutoRule.TIER_DEADLINE:
        return counts
    # Tier n ≥ 2 → the next tier: the tier's own deadline has passed.
    while True:
        with transaction.atomic():
            rows = _claim_higher(now, config.auto_max_level, batch_size)
            if not rows:
                break
            by_level: dict[int, list[dict[str, Any]]] = defaultdict(list)
            for r in rows:
                by_level[r["level"]].append(r)
            progressed = False
            for level, group in by_level.items():
                target = above.get(level)
                if target is None or target.level > config.auto_max_level:
                    # Nowhere to go automatically: park it (no deadline) so it is not claimed again.
                    CaseEscalation.objects.filter(pk__in=[r["escalation_id"] for r in group]).update(
                        tier_due_at=None
                    )
                    progressed = True
                    continue
                fresh = _insert_steps(group, level, target, now, due_of(target))
                moved = [r for r in group if r["id"] in fresh]
                stale = [r["escalation_id"] for r in group if r["id"] not in fresh]
                if stale:
                    CaseEscalation.objects.filter(pk__in=stale).update(tier_due_at=None)
                if moved:
                    CaseEscalation.objects.filter(
                        pk__in=[r["escalation_id"] for r in moved], level=level
                    ).update(
                        level=target.level,
                        tier_id=target.pk,
                        entered_at=now,
                        tier_due_at=due_of(target),
                        version=F("version") + 1,
                        updated_at=now,
                    )
                    counts["notifications"] += _announce(moved, level, target, now, biz)
                    counts["escalated"] += len(moved)
                progressed = progressed or bool(moved) or bool(stale)
            counts["batches"] += 1
            if not progressed:
                break
    return counts
