"""移送纪委监委 (R15.2): 营商办 or 作风办 hands an accountability record (or an inaction proposal,
which is one) over to a 纪委监委 unit — date, materials, by whom; that unit's 纪委监委 reader signs
for it and later records the outcome. Nothing here changes the accountability record itself."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from bangban.accounts.models import User
from bangban.accounts.roles import Role
from bangban.audit.actions import record
from bangban.core import kit
from bangban.core.errors import PermissionDenied, ValidationFailed
from bangban.core.kit import durable_action
from bangban.notifications.actions import notify_users
from bangban.org.models import Unit

from .. import access, workflow
from ..models import AccountabilityStatus, DisciplineTransfer, TransferStatus
from .accountability import STAR_KINDS


def discipline_units() -> Any:
    """The units a hand-over may be addressed to: those with an active 纪委监委 reader."""
    return Unit.objects.filter(
        pk__in=User.objects.filter(is_active=True, roles__code=Role.DISCIPLINE).values("unit_id"),
        is_active=True,
    ).order_by("name")


@durable_action
def do_transfer_record(
    user: Any,
    record_id: Any,
    *,
    addressee_id: Any,
    transferred_on: Any,
    materials: str,
    now: dt.datetime,
) -> DisciplineTransfer:
    if not access.can_record_accountability(user):
        raise PermissionDenied("仅营商办、作风办可以移送纪委监委")
    rec = kit.lock(access.visible_records(user), record_id)
    errors: dict[str, str] = {}
    if rec.kind in STAR_KINDS:
        errors["record"] = "作风之星记录不能移送纪委监委"
    elif rec.status == AccountabilityStatus.DROPPED:
        errors["record"] = "已撤销的问责记录不能移送"
    addressee = (
        discipline_units().filter(pk=addressee_id).first() if str(addressee_id or "").isdigit() else None
    )
    if addressee is None:
        errors["addressee"] = "请选择接收的纪委监委机关"
    day = transferred_on
    if isinstance(day, str):
        try:
            day = dt.date.fromisoformat(day.strip())
        except ValueError:
            day = None
    if not isinstance(day, dt.date):
        errors["transferred_on"] = "请填写移送日期（YYYY-MM-DD）"
    elif day > timezone.localdate(now):
        errors["transferred_on"] = "移送日期不能晚于今天"
    materials = (materials or "").strip()
    if not materials:
        errors["materials"] = "请列明移送材料"
    if errors:
        raise ValidationFailed(
            next(iter(errors.values())), code="transfer_invalid", details={"fields": errors}
        )
    if rec.transfers.exclude(status=TransferStatus.CONCLUDED).exists():
        raise ValidationFailed("该问责记录已移送纪委监委，尚未反馈处理结果", code="transfer_exists")
    assert addressee is not None
    transfer = DisciplineTransfer.objects.create(
        record=rec,
        addressee=addressee,
        transferred_on=day,
        materials=materials[:4000],
        transferred_by=user,
        created_at=now,
    )
    readers = User.objects.filter(unit=addressee, is_active=True, roles__code=Role.DISCIPLINE).distinct()
    notify_users(
        list(readers),
        "有新的移送事项",
        f"{user.full_name}移送{rec.get_kind_display()}（{rec.unit.name}，{rec.year}年{rec.month}月），请确认接收。",
        link=f"/supervision/transfers/{transfer.pk}/",
        now=now,
    )
    record(
        "supervision.transfer_create",
        actor=user,
        obj=transfer,
        object_repr=str(transfer),
        after={"record": rec.pk, "addressee": addressee.pk, "transferred_on": str(day)},
    )
    return transfer


@durable_action
def do_receive_transfer(
    user: Any, transfer_id: Any, *, note: str = "", version: Any = None, now: dt.datetime
) -> DisciplineTransfer:
    transfer = access.access_transfer(user, transfer_id)
    access.require_addressee(user, transfer)
    transfer = kit.lock(DisciplineTransfer, transfer.pk)
    kit.check_version(transfer, version)
    before = transfer.status
    transfer.status = workflow.TRANSFER.check(
        transfer.status, "receive", message="该移送事项已确认接收", code="transfer_already_received"
    )
    transfer.received_by, transfer.received_at = user, now
    transfer.receipt_note = (note or "").strip()[:500]
    kit.save_change(transfer, ["status", "received_by", "received_at", "receipt_note"])
    record(
        "supervision.transfer_receive",
        actor=user,
        obj=transfer,
        object_repr=str(transfer),
        before={"status": before},
        after={"status": transfer.status},
    )
    return transfer


@durable_action
def do_record_transfer_outcome(
    user: Any, transfer_id: Any, *, outcome: str, version: Any = None, now: dt.datetime
) -> DisciplineTransfer:
    transfer = access.access_transfer(user, transfer_id)
    access.require_addressee(user, transfer)
    transfer = kit.lock(DisciplineTransfer, transfer.pk)
    kit.check_version(transfer, version)
    outcome = (outcome or "").strip()
    if not outcome:
        raise ValidationFailed(
            "请填写处理结果", code="transfer_invalid", details={"fields": {"outcome": "请填写处理结果"}}
        )
    before = transfer.status
    transfer.status = workflow.TRANSFER.check(
        transfer.status,
        "conclude",
        message="请先确认接收；已反馈的结果不能修改",
        code="transfer_not_received",
    )
    transfer.outcome, transfer.outcome_by, transfer.outcome_at = outcome[:4000], user, now
    kit.save_change(transfer, ["status", "outcome", "outcome_by", "outcome_at"])
    record(
        "supervision.transfer_outcome",
        actor=user,
        obj=transfer,
        object_repr=str(transfer),
        before={"status": before},
        after={"status": transfer.status},
    )
    return transfer
