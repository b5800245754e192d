"""R1.3 协调相关职能部门: a project problem that is neither the county/zone's own duty nor to be
transferred to 市商务局 is settled by coordinating the units whose duty it is. The chief service
officer (or the lead investment department) records the coordination: the units, the date, the
outcome and the follow-up items. The units involved see it in their view."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from bangban.accounts.access import has_any_role
from bangban.accounts.models import User
from bangban.accounts.roles import STAFF_ROLES, Role
from bangban.audit.actions import record
from bangban.core.errors import NotFound, ValidationFailed
from bangban.core.kit import durable_action
from bangban.notifications.actions import notify_user
from bangban.org.models import Unit

from .. import checks
from ..access import access_problem, visible_coordinations
from ..models import ProblemCoordination, ProblemOutcome
from ._common import _link
from .rounds import _check_open

MAX_UNITS = 20
MAX_FOLLOW_UPS = 20


def _units(unit_ids: Iterable[Any]) -> list[Unit]:
    try:
        pks = list(dict.fromkeys(int(i) for i in unit_ids or ()))
    except (TypeError, ValueError):
        raise ValidationFailed("协调单位无效", code="unit_invalid") from None
    if not pks:
        raise ValidationFailed("请选择参与协调的职能部门（至少一个）", code="units_required")
    if len(pks) > MAX_UNITS:
        raise ValidationFailed(f"协调单位最多 {MAX_UNITS} 个", code="too_many_units")
    found = Unit.objects.in_bulk(pks)
    if any(pk not in found or not found[pk].is_active for pk in pks):
        raise ValidationFailed("协调单位不存在或已停用", code="unit_invalid")
    return [found[pk] for pk in pks]


def _held_on(value: Any, today: dt.date) -> dt.date:
    if isinstance(value, dt.date):
        day = value
    else:
        try:
            day = dt.date.fromisoformat(str(value or "").strip())
        except ValueError:
            raise ValidationFailed("请填写协调日期（如 2026-11-20）", code="held_on_invalid") from None
    if day > today:
        raise ValidationFailed("协调日期不能晚于今天", code="held_on_future")
    return day


def _follow_ups(items: Any) -> list[str]:
    if isinstance(items, str):
        items = items.splitlines()
    out = [str(i).strip()[:300] for i in items or () if str(i).strip()]
    if len(out) > MAX_FOLLOW_UPS:
        raise ValidationFailed(f"后续事项最多 {MAX_FOLLOW_UPS} 条", code="too_many_follow_ups")
    return out


@durable_action
def do_coordinate_problem(
    *,
    acting_user: User,
    problem_id: int,
    unit_ids: Iterable[Any],
    held_on: Any,
    outcome: str,
    follow_ups: Any = (),
    now: dt.datetime | None = None,
) -> ProblemCoordination:
    """Record the coordination of an open problem with the units involved; the problem is then
    handled (协调相关职能部门). The heads and handlers of those units are told."""
    now = now or timezone.now()
    problem = access_problem(acting_user, problem_id, "handle", for_update=True)
    _check_open(problem)
    units = _units(unit_ids)
    day = _held_on(held_on, timezone.localtime(now).date())
    text = checks.text({"outcome": outcome}, "outcome", "协调结果", max_length=2000)
    items = _follow_ups(follow_ups)
    coordination = ProblemCoordination.objects.create(
        problem=problem, held_on=day, outcome=text, follow_ups=items, recorded_by=acting_user, recorded_at=now
    )
    coordination.units.set(units)
    problem.outcome = ProblemOutcome.COORDINATED
    problem.solution = text
    problem.handled_at = now
    problem.version += 1
    problem.save(update_fields=["outcome", "solution", "handled_at", "version"])
    record(
        "outreach.problem_coordinated",
        actor=acting_user,
        obj=problem,
        before={"outcome": ProblemOutcome.OPEN},
        after={
            "outcome": problem.outcome,
            "coordination": coordination.pk,
            "units": [u.pk for u in units],
            "held_on": day.isoformat(),
            "result": text[:200],
            "follow_ups": items,
        },
    )
    project = problem.project
    people = User.objects.filter(
        unit__in=units, is_active=True, roles__code__in=[Role.UNIT_HEAD, Role.HANDLER]
    ).distinct()
    for person in people:
        if person.pk == acting_user.pk:
            continue
        notify_user(
            person,
            f"招商项目问题协调：{problem.title}",
            f"{project.name}｜{day.isoformat()}协调｜{text[:60]}",
            link=_link("problem_detail", problem.pk),
            now=now,
        )
    return coordination


def coordinations(user: Any, params: Any) -> QuerySet[ProblemCoordination]:
    """The units' view: `mine=1` only their unit's; `q` searches project and problem. Outside
    government staff (enterprises, associations) the list does not exist for them: 404, as the page."""
    if not has_any_role(user, STAFF_ROLES):
        raise NotFound()
    qs = visible_coordinations(user).select_related("problem__project__region", "recorded_by")
    if str(params.get("mine", "")) == "1" and getattr(user, "unit_id", None):
        qs = qs.filter(units__id=user.unit_id)
    q = str(params.get("q", "") or "").strip()
    if q:
        qs = qs.filter(Q(problem__title__icontains=q) | Q(problem__project__name__icontains=q))
    return qs.prefetch_related("units").order_by("-held_on", "-id")
