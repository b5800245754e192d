"""作风之星 selection rounds (R15.1), run by 作风办: open a round for a period, units nominate people
with reasons, close the nominations, decide each nominee (with the period's figures stored at the
decision), publish the list — which records each person selected as a 作风之星 accountability
record (the kind the ledgers' 督查通报 table already lists)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bangban.accounts.models import User
from bangban.accounts.roles import STAFF_ROLES
from bangban.audit.actions import record
from bangban.core import kit
from bangban.core.errors import Conflict, PermissionDenied, ValidationFailed
from bangban.core.kit import durable_action

from .. import access, stars, workflow
from ..models import (
    AccountabilityKind,
    AccountabilityRecord,
    AccountabilityStatus,
    StarDecision,
    StarNomination,
    StarPeriod,
    StarRound,
)
from .accountability import _refuse_star_with_open_accountability


def _require_runner(user: Any) -> None:
    if not access.can_run_stars(user):
        raise PermissionDenied("仅作风办可以组织作风之星评选")


@durable_action
def do_open_star_round(user: Any, *, year: Any, period: Any, number: Any, now: dt.datetime) -> StarRound:
    if not access.can_see_stars(user):
        raise PermissionDenied()
    _require_runner(user)
    errors: dict[str, str] = {}
    if period not in StarPeriod.values:
        errors["period"] = "请选择评选周期（季度或半年）"
    try:
        year_n, number_n = int(year), int(number)
    except (TypeError, ValueError):
        year_n, number_n = 0, 0
    if not 2000 <= year_n <= 2100:
        errors["year"] = "年份无效"
    if period in StarPeriod.values and not 1 <= number_n <= stars.PERIOD_COUNT[StarPeriod(period)]:
        errors["number"] = "期次无效：季度为 1–4，半年为 1–2"
    if errors:
        raise ValidationFailed(
            next(iter(errors.values())), code="star_round_invalid", details={"fields": errors}
        )
    if StarRound.objects.filter(year=year_n, period=period, number=number_n).exists():
        raise ValidationFailed(
            f"{stars.period_label(year_n, period, number_n)}的作风之星评选已发起", code="star_round_exists"
        )
    label = stars.period_label(year_n, period, number_n)
    star_round = StarRound.objects.create(
        year=year_n,
        period=period,
        number=number_n,
        title=f"{label}“作风之星”评选",
        opened_by=user,
        opened_at=now,
    )
    record(
        "supervision.star_round_open",
        actor=user,
        obj=star_round,
        object_repr=str(star_round),
        after={"year": year_n, "period": period, "number": number_n},
    )
    return star_round


@durable_action
def do_nominate_star(
    user: Any, round_id: Any, *, person_id: Any, reason: str, now: dt.datetime
) -> StarNomination:
    star_round = access.access_round(user, round_id)
    if not access.can_nominate(user):
        raise PermissionDenied("仅单位负责人（推荐本单位人员）或作风办可以推荐作风之星")
    star_round = kit.lock(StarRound, star_round.pk)
    workflow.STAR_ROUND.check(
        star_round.status, "nominate", message="该评选已截止推荐", code="star_round_not_nominating"
    )
    errors: dict[str, str] = {}
    person = (
        User.objects.select_related("unit").filter(pk=person_id, is_active=True).first()
        if str(person_id or "").isdigit()
        else None
    )
    if person is None or person.unit_id is None or not (person.role_codes() & STAFF_ROLES):
        errors["person"] = "请选择被推荐人（本单位在职工作人员）"
    elif not access.can_run_stars(user) and person.unit_id != user.unit_id:
        errors["person"] = "只能推荐本单位的工作人员"
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = "请填写推荐理由"
    if errors:
        raise ValidationFailed(
            next(iter(errors.values())), code="star_nomination_invalid", details={"fields": errors}
        )
    assert person is not None and person.unit is not None
    name = (person.full_name or person.username)[:50]
    if StarNomination.objects.filter(round=star_round, person=person).exists():
        raise ValidationFailed(f"{name}已被推荐参加本次评选", code="star_nominee_duplicate")
    _refuse_star_with_open_accountability(person.unit, name)
    nomination = StarNomination.objects.create(
        round=star_round,
        unit=person.unit,
        person=person,
        person_name=name,
        reason=reason[:2000],
        nominated_by=user,
        nominated_at=now,
    )
    record(
        "supervision.star_nominate",
        actor=user,
        obj=nomination,
        object_repr=str(nomination),
        after={"round": star_round.pk, "unit": person.unit_id, "person": person.pk},
    )
    return nomination


@durable_action
def do_close_star_round(user: Any, round_id: Any, *, version: Any = None, now: dt.datetime) -> StarRound:
    star_round = access.access_round(user, round_id)
    _require_runner(user)
    star_round = kit.lock(StarRound, star_round.pk)
    kit.check_version(star_round, version)
    before = star_round.status
    star_round.status = workflow.STAR_ROUND.check(star_round.status, "close")
    star_round.closed_at = now
    kit.save_change(star_round, ["status", "closed_at"])
    record(
        "supervision.star_round_close",
        actor=user,
        obj=star_round,
        object_repr=str(star_round),
        before={"status": before},
        after={"status": star_round.status},
    )
    return star_round


DECISIONS = {StarDecision.SELECTED: "select", StarDecision.NOT_SELECTED: "reject"}


@durable_action
def do_decide_nomination(
    user: Any, nomination_id: Any, *, decision: str, reason: str, version: Any = None, now: dt.datetime
) -> StarNomination:
    if not access.can_see_stars(user):
        raise PermissionDenied()
    _require_runner(user)
    nomination = kit.lock(StarNomination.objects.select_related("round", "unit"), nomination_id)
    kit.check_version(nomination, version)
    workflow.STAR_ROUND.check(
        nomination.round.status,
        "decide",
        message="评审只能在截止推荐后、公布前进行",
        code="star_round_not_reviewing",
    )
    action = DECISIONS.get(decision)  # type: ignore[call-overload]
    if action is None:
        raise ValidationFailed(
            "请选择评审结果", code="star_decision_invalid", details={"fields": {"decision": "请选择评审结果"}}
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            "请填写评审意见", code="star_decision_invalid", details={"fields": {"reason": "请填写评审意见"}}
        )
    if decision == StarDecision.SELECTED:
        _refuse_star_with_open_accountability(nomination.unit, nomination.person_name)
    before = nomination.decision
    nomination.decision = workflow.STAR_NOMINATION.check(nomination.decision, action)
    nomination.decision_reason = reason[:2000]
    nomination.decided_by, nomination.decided_at = user, now
    nomination.figures = stars.nominee_figures(nomination.round, [nomination])[nomination.pk]
    kit.save_change(nomination, ["decision", "decision_reason", "decided_by", "decided_at", "figures"])
    record(
        "supervision.star_decide",
        actor=user,
        obj=nomination,
        object_repr=str(nomination),
        before={"decision": before},
        after={"decision": nomination.decision, "reason": nomination.decision_reason},
    )
    return nomination


@durable_action
def do_publish_star_round(user: Any, round_id: Any, *, version: Any = None, now: dt.datetime) -> StarRound:
    star_round = access.access_round(user, round_id)
    _require_runner(user)
    star_round = kit.lock(StarRound, star_round.pk)
    kit.check_version(star_round, version)
    before = star_round.status
    star_round.status = workflow.STAR_ROUND.check(star_round.status, "publish")
    nominations = list(star_round.nominations.select_related("unit").select_for_update(of=("self",)))
    undecided = [n.person_name for n in nominations if n.decision == StarDecision.PENDING]
    if undecided:
        raise Conflict(
            f"还有 {len(undecided)} 名被推荐人未评审（{'、'.join(undecided[:5])}），不能公布",
            code="star_round_undecided",
        )
    selected = [n for n in nominations if n.decision == StarDecision.SELECTED]
    if not selected:
        raise Conflict("本次评选没有评选为作风之星的人员，不能公布", code="star_round_empty")
    last_year, last_month = stars.period_months(star_round.year, star_round.period, star_round.number)[-1]
    for n in selected:
        _refuse_star_with_open_accountability(n.unit, n.person_name)
        n.record = AccountabilityRecord.objects.create(
            kind=AccountabilityKind.STAR_AWARD,
            status=AccountabilityStatus.DONE,
            unit=n.unit,
            person_name=n.person_name,
            year=last_year,
            month=last_month,
            reason=f"{star_round.title}：{n.decision_reason}"[:2000],
            figures={"rule": "star_round", "round": star_round.pk, "nomination": n.pk},
            created_by=user,
            created_at=now,
            decided_by=user,
            decided_at=now,
        )
        kit.save_change(n, ["record"], bump=False)
    star_round.published_by, star_round.published_at = user, now
    kit.save_change(star_round, ["status", "published_by", "published_at"])
    record(
        "supervision.star_round_publish",
        actor=user,
        obj=star_round,
        object_repr=str(star_round),
        before={"status": before},
        after={
            "status": star_round.status,
            "selected": [n.pk for n in selected],
            "records": [n.record.pk for n in selected if n.record],
        },
    )
    return star_round
