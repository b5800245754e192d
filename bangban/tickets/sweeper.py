"""The deadline sweeper (R2.2, R8.3): marks cases entering 临期 (warning) and 超期 (overdue) and
tells the handler, the lead unit's heads and the dispatchers — once per threshold, however many
workers sweep at once.

How "once" holds:

1. each batch is claimed with `SELECT … FOR UPDATE SKIP LOCKED` (PostgreSQL; SQLite has one
   writer at a time): two workers never hold the same case;
2. `deadline_state` is moved with one set-based UPDATE per batch (`… WHERE id IN (batch) AND
   deadline_state <> new`), never by saving rows one by one;
3. the announcement is a `DeadlineAlert(ticket, threshold, due_at)` row inserted with
   `INSERT … ON CONFLICT DO NOTHING RETURNING ticket_id`: the unique constraint lets exactly one
   transaction insert it, and only the rows this statement returns get a timeline event and
   notifications: a message per case to its handler, and one summary per head and per dispatcher
   listing their cases of the batch (outbox dedupe keys are a second guard). Even two workers
   that had both read the same cases (no claim) announce each one once — see
   tests/test_sweeper.py.

A new due instant (extension, resume after a suspension, reopen) is a new key, so crossing its
thresholds is announced again. Suspended cases are skipped: their clock is stopped. A case that
was returned to the dispatcher keeps the deadline of its first dispatch, so it is swept too (the
dispatchers are told).

The same sweep then marks the dispatch clock (`dispatch_clock.py`) of the cases waiting for their
first dispatch, in the same way: claimed batches, one set-based UPDATE of `dispatch_state`, a
`DispatchAlert(ticket, threshold, dispatch due)` row per announcement, and one summary per
dispatcher (or, for a case in the mayor's review, per person whose step is pending).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.db import transaction
from django.db.models import DateTimeField, F, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from bangban.accounts.models import User
from bangban.accounts.roles import Role
from bangban.audit.actions import record
from bangban.org.models import Region, Unit

from . import notifications
from .bulk import insert_rows
from .deadlines import compute_deadline, shift_deadline
from .dispatch_clock import current_settings
from .events import add_event
from .models import (
    DeadlineAlert,
    DeadlineRequest,
    DispatchAlert,
    DispatchClock,
    RequestKind,
    ReviewStatus,
    Ticket,
    TicketEvent,
    Visibility,
)
from .workflow import CLOCK_RUNNING, OPEN_STATUSES, DeadlineState, Status

# Statuses whose deadline is watched: the unit's clock is running, or the case went back to the
# dispatcher after a return (the deadline of the first dispatch survives returns).
SWEPT_STATUSES = frozenset(CLOCK_RUNNING | {Status.PENDING_DISPATCH})

_FIELDS = ("id", "number", "title", "due_at", "handler_id", "lead_unit_id", "intake_unit_id", "region_id")


def _claimable(threshold: DeadlineState, now: dt.datetime) -> Q:
    base = Q(status__in=[s.value for s in SWEPT_STATUSES])
    if threshold == DeadlineState.OVERDUE:
        return base & Q(due_at__lte=now) & ~Q(deadline_state=DeadlineState.OVERDUE)
    return (
        base
        & Q(warn_at__lte=now, due_at__gt=now)
        & Q(deadline_state__in=[DeadlineState.NORMAL, DeadlineState.NONE])
    )


def _claim(threshold: DeadlineState, now: dt.datetime, batch_size: int) -> list[dict[str, Any]]:
    qs = (
        Ticket.objects.select_for_update(skip_locked=True)
        .filter(_claimable(threshold, now))
        .order_by("id")
        .values(*_FIELDS)
    )
    return list(qs[:batch_size])


def _insert_alerts(rows: list[dict[str, Any]], threshold: str) -> dict[int, int]:
    """Insert one alert per row unless it exists. Returns {case id: alert id} of the alerts THIS
    statement inserted (ON CONFLICT … DO NOTHING RETURNING)."""
    created = timezone.now()
    inserted = insert_rows(
        DeadlineAlert,
        ["ticket_id", "threshold", "due_at", "created_at"],
        [(r["id"], str(threshold), r["due_at"], created) for r in rows],
        conflict=["ticket_id", "threshold", "due_at"],
        returning=["ticket_id", "id"],
    )
    return {ticket_id: alert_id for ticket_id, alert_id in inserted}


class _Recipients:
    """Handlers, heads and dispatchers for a batch of cases, in a handful of queries."""

    def __init__(self) -> None:
        self.directory = notifications.DispatcherDirectory()

    def for_rows(
        self, rows: list[dict[str, Any]]
    ) -> tuple[dict[int, int], dict[int, tuple[str, list[dict]]]]:
        """({case id: active handler id}, {overseer id: ("head" | "dispatcher", [their rows])})."""
        handler_ids = {r["handler_id"] for r in rows if r["handler_id"]}
        active = set(User.objects.filter(pk__in=handler_ids, is_active=True).values_list("pk", flat=True))
        handlers = {r["id"]: r["handler_id"] for r in rows if r["handler_id"] in active}
        unit_ids = {r["lead_unit_id"] for r in rows if r["lead_unit_id"]}
        heads: dict[int, list[int]] = defaultdict(list)
        for pk, unit_id in (
            User.objects.filter(unit_id__in=unit_ids, is_active=True, roles__code=Role.UNIT_HEAD)
            .distinct()
            .order_by("pk")
            .values_list("pk", "unit_id")
        ):
            heads[unit_id].append(pk)
        region_paths = dict(
            Region.objects.filter(pk__in={r["region_id"] for r in rows if r["region_id"]}).values_list(
                "pk", "path"
            )
        )
        all_units = unit_ids | {r["intake_unit_id"] for r in rows if r["intake_unit_id"]}
        unit_paths = dict(Unit.objects.filter(pk__in=all_units).values_list("pk", "region__path"))
        overseers: dict[int, tuple[str, list[dict]]] = {}
        for r in rows:
            for head in heads.get(r["lead_unit_id"], []):
                overseers.setdefault(head, ("head", []))[1].append(r)
            paths = [
                region_paths.get(r["region_id"]),
                unit_paths.get(r["lead_unit_id"]),
                unit_paths.get(r["intake_unit_id"]),
            ]
            for user in self.directory.for_paths(paths):
                entry = overseers.setdefault(user.pk, ("dispatcher", []))
                if not entry[1] or entry[1][-1] is not r:
                    entry[1].append(r)
        return handlers, overseers


DIGEST_LISTED = 20


def _due_text(row: dict[str, Any]) -> str:
    return timezone.localtime(row["due_at"]).strftime("%Y-%m-%d %H:%M")


def _case_text(threshold: str, row: dict[str, Any]) -> tuple[str, str, str]:
    """(subject, body, timeline note) of one case crossing `threshold`."""
    due = _due_text(row)
    label = f"{row['number']}「{row['title'][:30]}」"
    if threshold == DeadlineState.OVERDUE:
        return (
            f"诉求超期：{row['number']}",
            f"您承办的诉求{label}已超过办理期限（{due}），请尽快办理并说明情况。",
            f"已超期（办理期限 {due}）",
        )
    return (
        f"诉求临期：{row['number']}",
        f"您承办的诉求{label}将于 {due} 到期，请抓紧办理。",
        f"进入临期（办理期限 {due}）",
    )


def _digest_text(threshold: str, rows: list[dict[str, Any]]) -> tuple[str, str]:
    """(subject, body) of the summary a head or dispatcher receives for the cases of one batch."""
    word = "已超过办理期限" if threshold == DeadlineState.OVERDUE else "进入临期"
    lines = [f"{r['number']}「{r['title'][:30]}」期限 {_due_text(r)}" for r in rows[:DIGEST_LISTED]]
    more = f"\n……共 {len(rows)} 件，请在列表中查看全部。" if len(rows) > DIGEST_LISTED else ""
    subject = f"{len(rows)} 件诉求{'超期' if threshold == DeadlineState.OVERDUE else '临期'}提醒"
    return subject, f"以下诉求{word}，请督促办理：\n" + "\n".join(lines) + more


def announce(
    rows: list[dict[str, Any]], threshold: DeadlineState, now: dt.datetime, recipients: _Recipients
) -> dict[str, int]:
    """Mark `rows` (claimed cases, sorted by id) as having crossed `threshold` and announce the ones
    whose alert this call inserts: a timeline entry each, one audit entry for the batch, a message
    per case to its handler, and one summary per head and per dispatcher listing their cases of
    the batch. Call inside a transaction."""
    updated = Ticket.objects.filter(pk__in=[r["id"] for r in rows]).exclude(deadline_state=threshold)
    if threshold == DeadlineState.OVERDUE:
        changed = updated.update(
            deadline_state=threshold,
            overdue_at=Coalesce(F("overdue_at"), Value(now, output_field=DateTimeField())),
        )
    else:
        changed = updated.update(deadline_state=threshold)
    inserted = _insert_alerts(rows, threshold)
    fresh = [r for r in rows if r["id"] in inserted]
    if not fresh:
        return {"changed": changed, "alerts": 0, "notifications": 0}
    insert_rows(
        TicketEvent,
        ["ticket_id", "at", "actor_name", "kind", "from_status", "to_status", "note", "visibility", "data"],
        [
            (
                r["id"],
                now,
                "系统",
                threshold.value,
                "",
                "",
                _case_text(threshold, r)[2],
                Visibility.INTERNAL.value,
                {
                    "threshold": threshold.value,
                    "due_at": r["due_at"].isoformat(),
                    "alert_id": inserted[r["id"]],
                },
            )
            for r in fresh
        ],
    )
    record(
        "ticket.deadline_sweep",
        object_type="tickets.ticket",
        object_repr=f"期限巡检：{len(fresh)} 件诉求{DeadlineState(threshold).label}",
        after={"threshold": threshold.value, "ticket_ids": [r["id"] for r in fresh]},
    )
    handlers, overseers = recipients.for_rows(fresh)
    link_to = notifications.case_link_maker()
    items = []
    for r in fresh:
        if r["id"] in handlers:
            subject, body, _ = _case_text(threshold, r)
            key = notifications.deadline_dedupe_key(r["id"], threshold, r["due_at"], handlers[r["id"]])
            items.append((handlers[r["id"]], subject, body, link_to(r["id"]), key))
    batch_key = min(inserted[r["id"]] for r in fresh)
    for user_id, (kind, their_rows) in overseers.items():
        subject, body = _digest_text(threshold, their_rows)
        link = notifications.queue_link("unit" if kind == "head" else "all", {"deadline": threshold.value})
        items.append(
            (
                user_id,
                subject,
                body,
                link,
                f"ticket-deadline:{threshold.value}:digest:{batch_key}:inapp:{user_id}",
            )
        )
    queued = notifications.queue_inapp_many(items)
    return {"changed": changed, "alerts": len(fresh), "notifications": queued}


# --- the dispatch clock (派单时限): cases waiting for their first dispatch -------------------------

_DISPATCH_FIELDS = (
    "id",
    "number",
    "title",
    "dispatch_due_at",
    "dispatch_clock",
    "intake_unit_id",
    "region_id",
)

# Who is reminded of mayor-channel cases in their review: set by the escalation app (which knows the
# sign-off chain) through `register_review_recipients`; the case system itself cannot look upward.
# Without it, the 市政府办公室专人 are reminded.
ReviewRecipients = Callable[[list[int]], dict[int, list[int]]]
_review_recipients: list[tuple[ReviewRecipients, str]] = []


def register_review_recipients(resolver: ReviewRecipients, link: str) -> None:
    """`resolver(case ids) -> {case id: [user ids whose step is pending]}` for cases waiting in
    the mayor's review (called once per sweep batch); `link` is the page their reminder opens."""
    _review_recipients[:] = [(resolver, link)]


def _mayor_office() -> list[int]:
    return list(
        User.objects.filter(is_active=True, roles__code=Role.MAYOR_OFFICE)
        .distinct()
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _dispatch_claimable(threshold: DeadlineState, now: dt.datetime) -> Q:
    base = Q(dispatch_settled_at__isnull=True, status=Status.PENDING_DISPATCH.value)
    if threshold == DeadlineState.OVERDUE:
        return base & Q(dispatch_due_at__lte=now) & ~Q(dispatch_state=DeadlineState.OVERDUE)
    return (
        base
        & Q(dispatch_warn_at__lte=now, dispatch_due_at__gt=now)
        & Q(dispatch_state__in=[DeadlineState.NORMAL, DeadlineState.NONE])
    )


def _dispatch_claim(threshold: DeadlineState, now: dt.datetime, batch_size: int) -> list[dict[str, Any]]:
    qs = (
        Ticket.objects.select_for_update(skip_locked=True)
        .filter(_dispatch_claimable(threshold, now))
        .order_by("id")
        .values(*_DISPATCH_FIELDS)
    )
    return list(qs[:batch_size])


def _dispatch_due_text(row: dict[str, Any]) -> str:
    return timezone.localtime(row["dispatch_due_at"]).strftime("%Y-%m-%d %H:%M")


def _dispatch_note(threshold: str, row: dict[str, Any]) -> str:
    what = "审核交办期限" if row["dispatch_clock"] == DispatchClock.REVIEW else "派单期限"
    word = "已超过" if threshold == DeadlineState.OVERDUE else "进入临期，"
    return f"{word}{what}（{_dispatch_due_text(row)}）"


def _dispatch_digest(threshold: str, kind: str, rows: list[dict[str, Any]]) -> tuple[str, str]:
    review = kind == DispatchClock.REVIEW
    noun = "市长直通车诉求" if review else "待派单诉求"
    limit = "审核交办期限" if review else "派单期限"
    state = "超期" if threshold == DeadlineState.OVERDUE else "临期"
    word = f"已超过{limit}" if threshold == DeadlineState.OVERDUE else f"即将到达{limit}"
    lines = [
        f"{r['number']}「{r['title'][:30]}」{limit} {_dispatch_due_text(r)}" for r in rows[:DIGEST_LISTED]
    ]
    more = f"\n……共 {len(rows)} 件，请在列表中查看全部。" if len(rows) > DIGEST_LISTED else ""
    action = "请尽快完成审核签批并交办" if review else "请尽快派单"
    return f"{len(rows)} 件{noun}{state}提醒", f"以下{noun}{word}，{action}：\n" + "\n".join(lines) + more


def announce_dispatch(
    rows: list[dict[str, Any]], threshold: DeadlineState, now: dt.datetime, directory: Any
) -> dict[str, int]:
    """`announce` for the dispatch clock: mark `rows` set-based, insert one `DispatchAlert` per row
    (ON CONFLICT DO NOTHING RETURNING) and announce only those this statement inserted — an
    internal timeline entry each, one audit entry, and one summary per person: the dispatchers
    covering the case (派单员), or, for a case in the mayor's review, the people whose step is
    pending. Call inside a transaction."""
    updated = Ticket.objects.filter(pk__in=[r["id"] for r in rows]).exclude(dispatch_state=threshold)
    if threshold == DeadlineState.OVERDUE:
        changed = updated.update(
            dispatch_state=threshold,
            dispatch_overdue_at=Coalesce(F("dispatch_overdue_at"), Value(now, output_field=DateTimeField())),
        )
    else:
        changed = updated.update(dispatch_state=threshold)
    created = timezone.now()
    inserted = dict(
        insert_rows(
            DispatchAlert,
            ["ticket_id", "threshold", "due_at", "created_at"],
            [(r["id"], threshold.value, r["dispatch_due_at"], created) for r in rows],
            conflict=["ticket_id", "threshold", "due_at"],
            returning=["ticket_id", "id"],
        )
    )
    fresh = [r for r in rows if r["id"] in inserted]
    if not fresh:
        return {"changed": changed, "alerts": 0, "notifications": 0}
    kind_of_event = f"dispatch_{threshold.value}"
    insert_rows(
        TicketEvent,
        ["ticket_id", "at", "actor_name", "kind", "from_status", "to_status", "note", "visibility", "data"],
        [
            (
                r["id"], now, "系统", kind_of_event, "", "", _dispatch_note(threshold, r),
                Visibility.INTERNAL.value,
                {"threshold": threshold.value, "clock": r["dispatch_clock"],
                 "dispatch_due_at": r["dispatch_due_at"].isoformat(), "alert_id": inserted[r["id"]]},
            )
            for r in fresh
        ],
    )  # fmt: skip
    record(
        "ticket.dispatch_clock_sweep",
        object_type="tickets.ticket",
        object_repr=f"派单时限巡检：{len(fresh)} 件诉求{DeadlineState(threshold).label}",
        after={"threshold": threshold.value, "ticket_ids": [r["id"] for r in fresh]},
    )
    # (person, clock kind) → their rows of this batch.
    people: dict[tuple[int, str], list[dict[str, Any]]] = defaultdict(list)
    dispatch_rows = [r for r in fresh if r["dispatch_clock"] != DispatchClock.REVIEW]
    review_rows = [r for r in fresh if r["dispatch_clock"] == DispatchClock.REVIEW]
    if dispatch_rows:
        region_paths = dict(
            Region.objects.filter(
                pk__in={r["region_id"] for r in dispatch_rows if r["region_id"]}
            ).values_list("pk", "path")
        )
        unit_paths = dict(
            Unit.objects.filter(
                pk__in={r["intake_unit_id"] for r in dispatch_rows if r["intake_unit_id"]}
            ).values_list("pk", "region__path")
        )
        for r in dispatch_rows:
            paths = [region_paths.get(r["region_id"]), unit_paths.get(r["intake_unit_id"])]
            for user in directory.for_paths(paths):
                people[(user.pk, DispatchClock.DISPATCH.value)].append(r)
    if review_rows:
        ids = [r["id"] for r in review_rows]
        pending = _review_recipients[0][0](ids) if _review_recipients else {}
        fallback: list[int] | None = None
        for r in review_rows:
            who = pending.get(r["id"])
            if not who:
                fallback = _mayor_office() if fallback is None else fallback
                who = fallback
            for user_id in dict.fromkeys(who):
                people[(user_id, DispatchClock.REVIEW.value)].append(r)
    batch_key = min(inserted[r["id"]] for r in fresh)
    queue = reverse("tickets:dispatch_queue")
    items = []
    for (user_id, kind), their_rows in people.items():
        subject, body = _dispatch_digest(threshold, kind, their_rows)
        if kind == DispatchClock.REVIEW and _review_recipients:
            link = _review_recipients[0][1]
        else:
            link = f"{queue}?{urlencode({'dispatch_deadline': threshold.value})}"
        key = f"dispatch-clock:{threshold.value}:{kind}:digest:{batch_key}:inapp:{user_id}"
        items.append((user_id, subject, body, link, key))
    queued = notifications.queue_inapp_many(items)
    return {"changed": changed, "alerts": len(fresh), "notifications": queued}


def sweep_dispatch_clock(now: dt.datetime, batch_size: int = 2000) -> dict[str, int]:
    """Mark cases waiting for dispatch (or in the mayor's review) whose dispatch clock crossed
    临期 / 超期, overdue first, in claimed batches; each threshold is announced once per case."""
    counts = {"dispatch_warning": 0, "dispatch_overdue": 0, "alerts": 0, "notifications": 0, "batches": 0}
    directory: Any = None
    for threshold in (DeadlineState.OVERDUE, DeadlineState.WARNING):
        while True:
            with transaction.atomic():
                rows = _dispatch_claim(threshold, now, batch_size)
                if not rows:
                    break
                directory = directory or notifications.DispatcherDirectory()
                result = announce_dispatch(rows, threshold, now, directory)
            counts[f"dispatch_{threshold.value}"] += result["changed"]
            counts["alerts"] += result["alerts"]
            counts["notifications"] += result["notifications"]
            counts["batches"] += 1
    return counts


def sweep_deadlines(now: dt.datetime | None = None, batch_size: int = 2000) -> dict[str, int]:
    """One sweep over all watched cases at `now`: the units' deadlines, then the dispatch clock of
    the cases waiting for dispatch. Returns counts: cases newly marked `warning` / `overdue`
    (unit deadlines) and `dispatch_warning` / `dispatch_overdue` (dispatch clock), `alerts`
    inserted (each announced), `notifications` queued, `batches`."""
    now = now or timezone.now()
    counts = {
        "warning": 0,
        "overdue": 0,
        "dispatch_warning": 0,
        "dispatch_overdue": 0,
        "alerts": 0,
        "notifications": 0,
        "batches": 0,
    }
    recipients: _Recipients | None = None
    # Overdue first: a case that crossed both thresholds since the last sweep is announced once, as overdue.
    for threshold in (DeadlineState.OVERDUE, DeadlineState.WARNING):
        while True:
            with transaction.atomic():
                rows = _claim(threshold, now, batch_size)
                if not rows:
                    break
                recipients = recipients or _Recipients()
                result = announce(rows, threshold, now, recipients)
            counts[threshold.value] += result["changed"]
            counts["alerts"] += result["alerts"]
            counts["notifications"] += result["notifications"]
            counts["batches"] += 1
    for name, value in sweep_dispatch_clock(now, batch_size).items():
        counts[name] += value
    return counts


# --- provisional deadlines: recomputed once the year's official calendar is loaded --------------


def expected_deadline(ticket: Ticket) -> tuple[dt.datetime, dt.datetime, bool] | None:
    """Due and warning instants of `ticket` recomputed from its start with the current calendar:
    the policy's working days, then every approved extension and every suspension since the
    start (the working days a suspension cost are those counted when it ended)."""
    if ticket.deadline_start is None or ticket.workdays_allowed is None:
        return None
    base = compute_deadline(ticket.deadline_start, ticket.workdays_allowed, ticket.warn_workdays)
    extra = (
        DeadlineRequest.objects.filter(
            ticket=ticket,
            kind=RequestKind.EXTENSION,
            status=ReviewStatus.APPROVED,
            decided_at__gte=ticket.deadline_start,
        ).aggregate(n=Sum("workdays"))["n"]
        or 0
    )
    for data in TicketEvent.objects.filter(
        ticket=ticket, kind="resume", at__gte=ticket.deadline_start
    ).values_list("data", flat=True):
        extra += int((data or {}).get("shift_workdays") or 0)
    if not extra:
        return base.due_at, base.warn_at, base.provisional
    due_at, warn_at, provisional = shift_deadline(base.due_at, base.warn_at, extra)
    return due_at, warn_at, provisional or base.provisional


def recompute_provisional_deadlines(now: dt.datetime | None = None) -> int:
    """Recompute every open case whose deadline was provisional (its year had no official calendar
    yet). Returns how many deadlines changed."""
    now = now or timezone.now()
    changed = 0
    ids = list(
        Ticket.objects.filter(due_provisional=True, status__in=[s.value for s in OPEN_STATUSES]).values_list(
            "pk", flat=True
        )
    )
    for pk in ids:
        with transaction.atomic():
            ticket = Ticket.objects.select_for_update().filter(pk=pk).first()
            if ticket is None or not ticket.due_provisional:
                continue
            expected = expected_deadline(ticket)
            if expected is None:
                continue
            due_at, warn_at, provisional = expected
            if (due_at, warn_at, provisional) == (ticket.due_at, ticket.warn_at, ticket.due_provisional):
                continue
            before = {"due_at": ticket.due_at, "warn_at": ticket.warn_at, "due_provisional": True}
            fields = ["due_at", "warn_at", "due_provisional", "version", "updated_at"]
            if due_at != ticket.due_at:
                ticket.deadline_state = DeadlineState.NORMAL
                fields.append("deadline_state")
            ticket.due_at, ticket.warn_at, ticket.due_provisional = due_at, warn_at, provisional
            ticket.version += 1
            ticket.save(update_fields=fields)
            add_event(
                ticket,
                "deadline_recomputed",
                note=f"年度工作日历已更新，办理期限重新计算为 {timezone.localtime(due_at):%Y-%m-%d %H:%M}",
                audit_before=before,
                audit_after={"due_at": due_at, "warn_at": warn_at, "due_provisional": provisional},
                now=now,
            )
            changed += 1
    return changed + recompute_provisional_dispatch_clocks(now)


def recompute_provisional_dispatch_clocks(now: dt.datetime) -> int:
    """The same for the dispatch clock of cases still waiting for dispatch: due and warning instants
    counted again from the receipt with the limit the case got at intake. Returns how many changed."""

    warn_workdays = current_settings().warn_workdays
    changed = 0
    ids = list(
        Ticket.objects.filter(
            dispatch_provisional=True, dispatch_settled_at__isnull=True, status=Status.PENDING_DISPATCH
        ).values_list("pk", flat=True)
    )
    for pk in ids:
        with transaction.atomic():
            ticket = Ticket.objects.select_for_update().filter(pk=pk, dispatch_provisional=True).first()
            if ticket is None or ticket.dispatch_workdays is None or ticket.dispatch_settled_at is not None:
                continue
            fresh = compute_deadline(ticket.received_at, ticket.dispatch_workdays, warn_workdays)
            if (fresh.due_at, fresh.warn_at, fresh.provisional) == (
                ticket.dispatch_due_at,
                ticket.dispatch_warn_at,
                ticket.dispatch_provisional,
            ):
                continue
            before = {"dispatch_due_at": ticket.dispatch_due_at, "dispatch_provisional": True}
            fields = ["dispatch_due_at", "dispatch_warn_at", "dispatch_provisional", "version", "updated_at"]
            if fresh.due_at != ticket.dispatch_due_at:
                ticket.dispatch_state = DeadlineState.NORMAL
                fields.append("dispatch_state")
            ticket.dispatch_due_at, ticket.dispatch_warn_at = fresh.due_at, fresh.warn_at
            ticket.dispatch_provisional = fresh.provisional
            ticket.version += 1
            ticket.save(update_fields=fields)
            add_event(
                ticket,
                "deadline_recomputed",
                note=f"年度工作日历已更新，派单期限重新计算为 {timezone.localtime(fresh.due_at):%Y-%m-%d %H:%M}",
                audit_before=before,
                audit_after={"dispatch_due_at": fresh.due_at, "dispatch_provisional": fresh.provisional},
                now=now,
            )
            changed += 1
    return changed
