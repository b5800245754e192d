"""Accountability records (奖惩问责, R15): the bottom-place 约谈 proposals, registration and decisions."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from bangban.audit.actions import record
from bangban.core import kit
from bangban.core.errors import PermissionDenied, ValidationFailed
from bangban.core.kit import durable_action
from bangban.org.models import Unit
from bangban.tickets.public import cases_numbered

from .. import access, definitions, figures, workflow
from ..models import AccountabilityKind, AccountabilityRecord, AccountabilityStatus, Ranking, RankingStatus
from ._common import _check_month
from .parameters import current_settings


def propose_bottom_interviews(ranking: Ranking, *, actor: Any = None) -> list[AccountabilityRecord]:
    """Units at the bottom of `bottom_months` consecutive frozen rankings ending with this one get a
    proposed 约谈 (once per unit and month)."""
    cfg = current_settings()
    months = [(ranking.year, ranking.month)]
    for _ in range(cfg.bottom_months - 1):
        months.append(figures.previous_month(*months[-1]))
    bottom_sets = []
    for y, m in months:
        snap = Ranking.objects.filter(year=y, month=m, status=RankingStatus.FROZEN).first()
        if snap is None:
            return []
        bottom_sets.append(
            set(
                snap.rows.filter(scope=definitions.DEFAULT_SCOPE, is_bottom=True).values_list(
                    "unit_id", flat=True
                )
            )
        )
    units = set.intersection(*bottom_sets) if bottom_sets else set()
    created = []
    for unit_id in sorted(units):
        exists = AccountabilityRecord.objects.filter(
            kind=AccountabilityKind.INTERVIEW,
            unit_id=unit_id,
            year=ranking.year,
            month=ranking.month,
            automatic=True,
            person_name="",  # the unit's own proposal, not one about an officer of the unit
        ).exists()
        if exists:
            continue
        row = ranking.rows.get(scope=definitions.DEFAULT_SCOPE, unit_id=unit_id)
        label = "、".join(f"{y}年{m}月" for y, m in reversed(months))
        rec = AccountabilityRecord.objects.create(
            kind=AccountabilityKind.INTERVIEW,
            unit_id=unit_id,
            year=ranking.year,
            month=ranking.month,
            reason=f"{row.unit_name}在{label}的月度排名中连续{len(months)}个月位列末位，按规则提议约谈。",
            figures={"score": row.score, "rank": row.rank, "months": [list(x) for x in months]},
            automatic=True,
            created_by=None,
            created_at=timezone.now(),
        )
        record(
            "supervision.accountability_propose",
            actor=actor,
            obj=rec,
            object_repr=str(rec),
            after={"unit": unit_id, "months": [list(x) for x in months]},
        )
        created.append(rec)
    return created


OFFICER_RULE = "officer_far_behind"


def propose_officer_interviews(ranking: Ranking, *, actor: Any = None) -> list[AccountabilityRecord]:
    """Officers (帮办专员) far behind in the ranking's month (`bangban.network.figures`: two
    consecutive months with a contact missed, or a quarter's visit missed) get a proposed 约谈 —
    once per officer and month, recorded on the officer's unit with the officer's name and figures.
    An officer without a unit is named in the 通报 but cannot be proposed."""
    far_behind = (ranking.officer_figures or {}).get("far_behind") or []
    if not far_behind:
        return []
    existing = {
        (rec.figures or {}).get("officer_id")
        for rec in AccountabilityRecord.objects.filter(
            kind=AccountabilityKind.INTERVIEW, year=ranking.year, month=ranking.month, automatic=True
        ).exclude(person_name="")
    }
    units = set(Unit.objects.filter(pk__in={o["unit_id"] for o in far_behind}).values_list("pk", flat=True))
    created = []
    for officer in far_behind:
        if officer["officer_id"] in existing or officer.get("unit_id") not in units:
            continue
        reasons = "；".join(officer["reasons"])
        rec = AccountabilityRecord.objects.create(
            kind=AccountabilityKind.INTERVIEW,
            unit_id=officer["unit_id"],
            person_name=officer["name"][:50],
            year=ranking.year,
            month=ranking.month,
            reason=f"帮办专员{officer['name']}（{officer['unit_name']}）{reasons}，履职严重滞后，按规则提议约谈。",
            figures={
                "rule": OFFICER_RULE,
                "officer_id": officer["officer_id"],
                "reasons": officer["reasons"],
            },
            automatic=True,
            created_by=None,
            created_at=timezone.now(),
        )
        record(
            "supervision.accountability_propose",
            actor=actor,
            obj=rec,
            object_repr=str(rec),
            after={"unit": officer["unit_id"], "officer": officer["officer_id"], "rule": OFFICER_RULE},
        )
        created.append(rec)
    return created


STAR_KINDS = frozenset({AccountabilityKind.STAR_NOMINATION, AccountabilityKind.STAR_AWARD})
PENALTY_KINDS = (
    AccountabilityKind.INTERVIEW,
    AccountabilityKind.SELF_EXAMINATION,
    AccountabilityKind.CRITICISM,
    AccountabilityKind.TRANSFER,
)
OPEN_STATUSES = (AccountabilityStatus.PROPOSED, AccountabilityStatus.CONFIRMED)


def _refuse_star_with_open_accountability(unit: Unit, person_name: str) -> None:
    """A 作风之星 nominee (a unit, or a person of it) with an open 约谈 / 责令检查 / 通报批评 / 移交纪委监委
    (拟提议 or 已确定) — on the unit itself or on that person — cannot be nominated or awarded."""
    open_records = AccountabilityRecord.objects.filter(
        unit=unit, kind__in=PENALTY_KINDS, status__in=OPEN_STATUSES, person_name__in={"", person_name}
    ).order_by("created_at", "pk")
    first = open_records.first()
    if first is None:
        return
    who = f"{unit.name}{person_name}" if person_name else unit.name
    raise ValidationFailed(
        f"{who}有尚未办结的{first.get_kind_display()}（{first.year}年{first.month}月，{first.get_status_display()}），"
        "不能提名或评选为作风之星；请先办结或撤销该问责记录",
        code="star_nominee_accountable",
        details={"record_id": first.pk},
    )


@durable_action
def do_create_record(
    user: Any,
    *,
    kind: str,
    unit_id: Any,
    year: Any,
    month: Any,
    reason: str,
    person_name: str = "",
    ticket_numbers: list[str] | None = None,
    figures_data: dict[str, Any] | None = None,
) -> AccountabilityRecord:

    access.require_viewer(user)
    if not access.can_record_accountability(user):
        raise PermissionDenied("仅营商办、作风办可以登记奖惩问责")
    errors: dict[str, str] = {}
    if kind not in AccountabilityKind.values:
        errors["kind"] = "请选择类型"
    unit = (
        Unit.objects.select_related("region").filter(pk=unit_id).first()
        if str(unit_id or "").isdigit()
        else None
    )
    if unit is None:
        errors["unit"] = "请选择单位"
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = "请填写事由"
    try:
        year, month = _check_month(int(year), int(month))
    except (TypeError, ValueError, ValidationFailed):
        errors["month"] = "年月无效"
    numbers = [n.strip() for n in (ticket_numbers or []) if n and n.strip()]
    found = list(cases_numbered(numbers)) if numbers else []
    missing = sorted(set(numbers) - {t.number for t in found})
    if missing:
        errors["tickets"] = f"诉求编号不存在：{'、'.join(missing)}"
    if errors:
        raise ValidationFailed(
            next(iter(errors.values())), code="accountability_invalid", details={"fields": errors}
        )
    assert unit is not None
    access.check_unit(user, unit)
    if kind in STAR_KINDS:
        _refuse_star_with_open_accountability(unit, (person_name or "").strip()[:50])
    rec = AccountabilityRecord.objects.create(
        kind=kind,
        unit=unit,
        person_name=(person_name or "").strip()[:50],
        year=year,
        month=month,
        reason=reason[:2000],
        figures=figures_data or {},
        created_by=user,
        created_at=timezone.now(),
    )
    if found:
        rec.tickets.set(found)
    record(
        "supervision.accountability_create",
        actor=user,
        obj=rec,
        object_repr=str(rec),
        after={"kind": kind, "unit": unit.pk, "tickets": [t.number for t in found]},
    )
    return rec


# The decision a user picks, as an action of `workflow.ACCOUNTABILITY`.
DECISIONS = {
    AccountabilityStatus.CONFIRMED: "confirm",
    AccountabilityStatus.DONE: "complete",
    AccountabilityStatus.DROPPED: "drop",
}


@durable_action
def do_decide_record(user: Any, record_id: int, status: str, *, version: Any = None) -> AccountabilityRecord:
    if not access.can_record_accountability(user):
        raise PermissionDenied("仅营商办、作风办可以决定奖惩问责")
    action = DECISIONS.get(status)  # type: ignore[call-overload]
    if action is None:
        raise ValidationFailed("状态无效", code="status_invalid")
    rec = kit.lock(access.visible_records(user), record_id)
    kit.check_version(rec, version)
    before = rec.status
    rec.status = workflow.ACCOUNTABILITY.check(
        rec.status, action, message="该记录已办结或撤销", code="record_closed"
    )
    rec.decided_by, rec.decided_at = user, timezone.now()
    kit.save_change(rec, ["status", "decided_by", "decided_at"])
    record(
        "supervision.accountability_decide",
        actor=user,
        obj=rec,
        object_repr=str(rec),
        before={"status": before},
        after={"status": status},
    )
    return rec
