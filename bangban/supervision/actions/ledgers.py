"""Monthly ledgers (R11.1): which units keep one, generation, notes, submission and reminders
(the content itself is built in `bangban.supervision.ledgers`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from bangban.accounts.models import User
from bangban.accounts.roles import Role
from bangban.audit.actions import record
from bangban.core import kit
from bangban.core.errors import PermissionDenied, ValidationFailed
from bangban.core.kit import durable_action
from bangban.notifications.actions import notify_user
from bangban.org.models import Unit
from bangban.workdays.arithmetic import SHANGHAI

from .. import access, figures, sources, workflow
from ..ledgers import ledger_content
from ..models import AccountabilityRecord, Ledger, LedgerStatus, Notice, NoticeStatus
from ._common import _check_month
from .parameters import current_settings


def ledger_due_date(year: int, month: int) -> dt.date:
    """The ledgers of (year, month) are due on the configured day of the following month."""
    ny, nm = figures.next_month(year, month)
    return dt.date(ny, nm, current_settings().ledger_due_day)


# Unit types that answer for cases and so keep monthly ledgers (service sites do not).
LEDGER_UNIT_TYPES = (
    "city_department",
    "county_government",
    "county_department",
    "zone_committee",
    "township",
)


def ledger_units(year: int, month: int, all_units: bool = False) -> tuple[list[int], set[int]]:
    """(units that get the month's ledger, those with activity). Active: every unit that led a
    case of the month, or had meeting tasks or supervision orders; with `all_units`, every active
    responsible unit gets one too (a 「本月无新增」 ledger that it still submits)."""

    active = set(active_ledger_units(year, month))
    ids = set(active)
    if all_units:
        ids |= set(
            Unit.objects.filter(is_active=True, type__in=LEDGER_UNIT_TYPES).values_list("pk", flat=True)
        )
    return sorted(ids), active


def active_ledger_units(year: int, month: int) -> list[int]:

    ids = set(
        figures.month_cases(year, month)
        .filter(lead_unit__isnull=False)
        .values_list("lead_unit", flat=True)
        .distinct()
        .order_by()
    )
    ids |= {int(k) for k in sources.escalation_figures(year, month).data}
    ids |= set(
        Notice.objects.filter(status=NoticeStatus.ISSUED, year=year, month=month).values_list(
            "units", flat=True
        )
    ) - {None}
    ids |= set(AccountabilityRecord.objects.filter(year=year, month=month).values_list("unit_id", flat=True))
    return sorted(ids)


@durable_action
def do_generate_ledgers(user: Any, year: int, month: int, *, now: dt.datetime | None = None) -> list[Ledger]:
    """Create the month's pending ledgers of every responsible unit (existing ones are kept)."""
    if user is not None:
        access.require_manager(user)
    year, month = _check_month(year, month)
    now = now or timezone.now()
    due = ledger_due_date(year, month)
    created = []
    units, active = ledger_units(year, month, current_settings().ledger_all_units)
    existing = set(Ledger.objects.filter(year=year, month=month).values_list("unit_id", flat=True))
    for unit_id in units:
        if unit_id in existing:
            continue
        created.append(
            Ledger.objects.create(
                unit_id=unit_id,
                year=year,
                month=month,
                due_date=due,
                created_at=now,
                no_activity=unit_id not in active,
            )
        )
    if created:
        record(
            "supervision.ledgers_generate",
            actor=user,
            object_type="supervision.ledger",
            object_id=f"{year}-{month:02d}",
            object_repr=f"{year}年{month}月台账",
            after={
                "created": len(created),
                "no_activity": sum(1 for x in created if x.no_activity),
                "due_date": due,
            },
        )
    return created


NOTE_KEYS = ("cases", "meetings", "notices")


def _clean_notes(notes: dict[str, Any]) -> dict[str, str]:
    cleaned = {}
    for key in NOTE_KEYS:
        text = str(notes.get(key) or "").strip()
        if len(text) > 2000:
            raise ValidationFailed(
                "说明不能超过 2000 字", code="note_too_long", details={"fields": {key: "过长"}}
            )
        cleaned[key] = text
    return cleaned


def _locked_ledger(user: Any, ledger_id: int, action: str, version: Any) -> Ledger:
    """The unit's ledger, locked: 404 outside the user's scope, 403 for a user who may not fill it
    in, then the version the user read, then whether `action` is allowed in its state."""
    ledger = kit.lock(Ledger, access.access_ledger(user, ledger_id).pk)
    if not access.can_submit_ledger(user, ledger):
        raise PermissionDenied("只有本单位承办人或负责人可以填写和报送台账")
    kit.check_version(ledger, version)
    ledger.status = workflow.LEDGER.check(
        ledger.status, action, message="台账已报送，不能再修改", code="ledger_already_submitted"
    )
    return ledger


@durable_action
def do_save_ledger_notes(user: Any, ledger_id: int, notes: dict[str, Any], *, version: Any = None) -> Ledger:
    ledger = _locked_ledger(user, ledger_id, "save_notes", version)
    before = dict(ledger.notes)
    ledger.notes = _clean_notes(notes)
    kit.save_change(ledger, ["notes"])
    record(
        "supervision.ledger_save",
        actor=user,
        obj=ledger,
        object_repr=str(ledger),
        before=before,
        after=ledger.notes,
    )
    return ledger


@durable_action
def do_submit_ledger(
    user: Any,
    ledger_id: int,
    notes: dict[str, Any] | None = None,
    *,
    version: Any = None,
    now: dt.datetime | None = None,
) -> Ledger:

    now = now or timezone.now()
    ledger = _locked_ledger(user, ledger_id, "submit", version)
    if notes is not None:
        ledger.notes = _clean_notes(notes)
    ledger.content = ledger_content(ledger)
    ledger.submitted_at, ledger.submitted_by = now, user
    ledger.late = now.astimezone(SHANGHAI).date() > ledger.due_date
    kit.save_change(ledger, ["notes", "content", "status", "submitted_at", "submitted_by", "late"])
    record(
        "supervision.ledger_submit",
        actor=user,
        obj=ledger,
        object_repr=str(ledger),
        before={"status": LedgerStatus.PENDING},
        after={"status": LedgerStatus.SUBMITTED, "late": ledger.late, "due_date": ledger.due_date},
    )
    return ledger


def remind_ledgers(now: dt.datetime | None = None, *, days_before: int = 3) -> int:
    """Remind the heads (or handlers) of units whose ledger is pending and due within `days_before`
    days or already late: at most once a day per ledger."""

    now = now or timezone.now()
    today = now.astimezone(SHANGHAI).date()
    horizon = today + dt.timedelta(days=days_before)
    sent = 0
    pending = Ledger.objects.filter(status=LedgerStatus.PENDING, due_date__lte=horizon).select_related("unit")
    for ledger in pending:
        if ledger.reminded_at and ledger.reminded_at.astimezone(SHANGHAI).date() == today:
            continue
        with transaction.atomic():
            locked = Ledger.objects.select_for_update().get(pk=ledger.pk)
            late = today > locked.due_date
            subject = f"{'【逾期】' if late else ''}请报送{locked.year}年{locked.month}月台账"
            body = (
                f"{locked.unit.name}的{locked.year}年{locked.month}月收集办理、会办交办、督查通报台账"
                f"应于 {locked.due_date:%Y-%m-%d} 前报送市营商办，"
                + ("现已逾期，请尽快报送。" if late else "请按时报送。")
            )
            recipients = User.objects.filter(
                unit_id=locked.unit_id, is_active=True, roles__code=Role.UNIT_HEAD
            )
            if not recipients.exists():
                recipients = User.objects.filter(
                    unit_id=locked.unit_id, is_active=True, roles__code=Role.HANDLER
                )
            for person in recipients.distinct():
                notify_user(
                    person,
                    subject,
                    body,
                    link=f"/supervision/ledgers/{locked.pk}/",
                    dedupe_key_prefix=f"ledger-{locked.pk}-{today:%Y%m%d}",
                    now=now,
                )
                sent += 1
            locked.reminded_at = now
            locked.save(update_fields=["reminded_at"])
            record(
                "supervision.ledger_remind",
                actor=None,
                obj=locked,
                object_repr=str(locked),
                after={"late": late, "recipients": recipients.count()},
                source="task",
            )
    return sent
