"""作风办 designates 直通车企业 and 作风观察点 and ends designations (R7.1), and records its return calls
(电话回访) to them: each problem the enterprise raises on the call becomes a 问题清单 item."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.utils import timezone

from bangban.accounts.models import User
from bangban.audit.actions import record
from bangban.core.errors import Conflict, ValidationFailed
from bangban.core.inputs import parse_date
from bangban.core.kit import check_version, durable_action, lock, save_change
from bangban.enterprises.models import Enterprise

from ..access import require_manager, visible_designations
from ..models import Designation, DesignationKind, ProblemItem, ProblemSource, ReturnCall
from ._common import _required, _text

MAX_PROBLEMS_PER_CALL = 20
CALL_WINDOW = dt.timedelta(days=92)


def _enterprise(enterprise_id: Any, *, lock_row: bool = False) -> Enterprise:
    try:
        pk = int(str(enterprise_id).strip())
    except (TypeError, ValueError):
        pk = None
    qs = Enterprise.objects.select_related("region")
    if lock_row:
        qs = qs.select_for_update(of=("self",))
    found = qs.filter(pk=pk).first() if pk is not None else None
    if found is None:
        raise ValidationFailed(
            "请选择企业（企业库中的企业）", code="enterprise_required", details={"field": "enterprise"}
        )
    return found


def _overlapping(enterprise_id: int, kind: str, start: dt.date, end: dt.date | None) -> Q:
    condition = Q(enterprise_id=enterprise_id, kind=kind) & (Q(ends_on__isnull=True) | Q(ends_on__gte=start))
    return condition & Q(starts_on__lte=end) if end is not None else condition


@durable_action
def do_designate(
    *,
    acting_user: User,
    enterprise_id: Any,
    kind: str,
    starts_on: Any,
    ends_on: Any = None,
    note: str = "",
    now: dt.datetime,
) -> Designation:
    """作风办 makes an enterprise a 直通车企业 or 作风观察点 from `starts_on` (until `ends_on`, or open)."""
    require_manager(acting_user)
    if kind not in DesignationKind.values:
        raise ValidationFailed("请选择直通车企业或作风观察点", code="invalid_kind", details={"field": "kind"})
    start = parse_date(starts_on, "starts_on", "起始日期")
    end = parse_date(ends_on, "ends_on", "截止日期") if _text(ends_on) else None
    if end is not None and end < start:
        raise ValidationFailed(
            "截止日期不能早于起始日期", code="ends_before_start", details={"field": "ends_on"}
        )
    # Designations of one enterprise are checked and written one at a time: lock the enterprise.
    enterprise = _enterprise(enterprise_id, lock_row=True)
    clash = Designation.objects.filter(_overlapping(enterprise.pk, kind, start, end)).first()
    if clash is not None:
        until = f"至 {clash.ends_on:%Y-%m-%d}" if clash.ends_on else "起长期有效"
        raise ValidationFailed(
            f"该企业已是{clash.get_kind_display()}（{clash.starts_on:%Y-%m-%d} {until}），期间不能重复确定",
            code="already_designated",
            details={"field": "enterprise"},
        )
    designation = Designation.objects.create(
        enterprise=enterprise,
        kind=kind,
        starts_on=start,
        ends_on=end,
        note=_text(note, 500),
        designated_by=acting_user,
        designated_at=now,
    )
    record(
        "conduct.designate",
        actor=acting_user,
        obj=designation,
        after={
            "enterprise": enterprise.pk,
            "kind": kind,
            "starts_on": start.isoformat(),
            "ends_on": end.isoformat() if end else None,
        },
    )
    return designation


@durable_action
def do_end_designation(
    *,
    acting_user: User,
    designation_id: Any,
    ends_on: Any,
    note: str = "",
    version: Any = None,
    now: dt.datetime,
) -> Designation:
    """作风办 ends a designation: `ends_on` is its last day (not before it started; an ended
    designation is not ended again)."""
    require_manager(acting_user)
    designation = lock(visible_designations(acting_user), designation_id)
    check_version(designation, version)
    today = timezone.localdate(now)
    if designation.ends_on is not None and designation.ends_on < today:
        raise Conflict(f"该确定已于 {designation.ends_on:%Y-%m-%d} 终止", code="already_ended")
    end = parse_date(ends_on, "ends_on", "截止日期")
    if end < designation.starts_on:
        raise ValidationFailed(
            "截止日期不能早于起始日期", code="ends_before_start", details={"field": "ends_on"}
        )
    before = designation.ends_on
    designation.ends_on = end
    designation.end_note = _text(note, 500)
    save_change(designation, ["ends_on", "end_note"])
    record(
        "conduct.designation_end",
        actor=acting_user,
        obj=designation,
        before={"ends_on": before.isoformat() if before else None},
        after={"ends_on": end.isoformat()},
    )
    return designation


def designated_on(enterprise_id: int, day: dt.date) -> Designation | None:
    """The enterprise's designation (either kind) in force on `day`, if any."""
    return (
        Designation.objects.filter(enterprise_id=enterprise_id, starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .order_by("kind")
        .first()
    )


@durable_action
def do_record_return_call(
    *,
    acting_user: User,
    enterprise_id: Any,
    called_on: Any,
    contact: str,
    satisfied: Any,
    note: str = "",
    problems: list[str] | None = None,
    now: dt.datetime,
) -> ReturnCall:
    """作风办 records a return call to a designated enterprise; each problem raised becomes a
    待转办 item of the 问题清单 (source 电话回访)."""
    require_manager(acting_user)
    enterprise = _enterprise(enterprise_id)
    day = parse_date(called_on, "called_on", "回访日期")
    today = timezone.localdate(now)
    if day > today:
        raise ValidationFailed(
            "回访日期不能晚于今天", code="called_in_future", details={"field": "called_on"}
        )
    if day < today - CALL_WINDOW:
        raise ValidationFailed(
            "只能登记三个月以内的回访", code="called_too_long_ago", details={"field": "called_on"}
        )
    if designated_on(enterprise.pk, day) is None:
        raise ValidationFailed(
            "该企业在回访日期不是直通车企业或作风观察点",
            code="not_designated",
            details={"field": "enterprise"},
        )
    who = _required(contact, "contact", "请填写受访人", 50)
    if satisfied in (None, ""):
        raise ValidationFailed(
            "请选择企业是否满意", code="satisfied_required", details={"field": "satisfied"}
        )
    happy = str(satisfied).strip().lower() in {"1", "true", "yes", "on"}
    texts = [t for t in (_text(p) for p in (problems or [])) if t]
    if len(texts) > MAX_PROBLEMS_PER_CALL:
        raise ValidationFailed(
            f"一次回访最多登记 {MAX_PROBLEMS_PER_CALL} 个问题", code="too_many_problems",
            details={"field": "problems"},
        )  # fmt: skip
    for t in texts:
        if len(t) > 2000:
            raise ValidationFailed(
                "每个问题不能超过 2000 个字", code="problem_too_long", details={"field": "problems"}
            )
    call = ReturnCall.objects.create(
        enterprise=enterprise,
        called_on=day,
        contact=who,
        satisfied=happy,
        note=_text(note, 1000),
        called_by=acting_user,
        recorded_at=now,
    )
    items = ProblemItem.objects.bulk_create(
        ProblemItem(
            source=ProblemSource.CALLBACK,
            source_ref=f"{day:%Y-%m-%d} 电话回访（受访人：{who}）"[:200],
            enterprise=enterprise,
            region_id=enterprise.region_id,
            text=t,
            found_on=day,
            found_by=acting_user,
            recorded_at=now,
            return_call=call,
        )
        for t in texts
    )
    record(
        "conduct.return_call",
        actor=acting_user,
        obj=call,
        after={
            "enterprise": enterprise.pk,
            "called_on": day.isoformat(),
            "satisfied": happy,
            "problems": [i.pk for i in items],
        },
    )
    return call


@durable_action
def do_record_ztc_export(*, acting_user: User, what: str, count: int, filters: dict[str, Any]) -> None:
    """The audit record of an .xlsx export of the designations, the 问题清单 or its monthly list."""
    record(
        "conduct.ztc_export",
        actor=acting_user,
        object_type="conduct.ztc",
        object_repr=what,
        after={"count": count, "filters": {k: v for k, v in filters.items() if v}},
    )
