"""Who sees and does what in 双随机、一公开 (R9.1).

* A plan is made, drawn, announced and its results published by the head (`unit_head`) of its lead
  unit, or by 营商办 / the system administrator (the managers).
* The planning roles (unit heads, managers) keep the credit tiers; a unit head keeps the
  qualifications and declared links of his or her unit's inspectors; an inspector declares his or
  her own links.
* A member of staff of a unit that joins a plan reads it; an inspector reads the visits he or she is
  drawn for and records their results.
* 营商办, 作风办 and the auditor read every plan; everyone signed in reads the public page (announced
  draws and published results).
A record outside one's scope is "not found" (404), never "forbidden".
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from bangban.accounts.access import has_any_role
from bangban.accounts.roles import STAFF_ROLES, Role
from bangban.core.errors import NotFound, PermissionDenied

from .models import Duty, Plan, PlanStatus, Visit, VisitQuerySet

MANAGER_ROLES = frozenset({Role.BIZ_OFFICE, Role.ADMIN})
OVERSIGHT_ROLES = MANAGER_ROLES | frozenset({Role.AUDITOR, Role.CONDUCT_OFFICE})


def can_read(user: Any) -> bool:
    return getattr(user, "is_authenticated", False) and getattr(user, "is_active", False)


def is_manager(user: Any) -> bool:
    return has_any_role(user, MANAGER_ROLES)


def is_overseer(user: Any) -> bool:
    return has_any_role(user, OVERSIGHT_ROLES)


def is_unit_head(user: Any) -> bool:
    return has_any_role(user, {Role.UNIT_HEAD}) and getattr(user, "unit_id", None) is not None


def is_planner(user: Any) -> bool:
    return is_manager(user) or is_unit_head(user)


def is_inspector(user: Any) -> bool:
    return has_any_role(user, {Role.INSPECTOR}) and getattr(user, "unit_id", None) is not None


def require_planner(user: Any) -> None:
    if not is_planner(user):
        raise PermissionDenied("只有执法单位负责人、营商办可以制定抽查计划和维护信用等级")


def may_manage(user: Any, plan: Plan) -> bool:
    return is_manager(user) or (is_unit_head(user) and plan.lead_unit_id == user.unit_id)


def visible_plans(user: Any) -> QuerySet[Plan]:
    qs = Plan.objects.all()
    if not can_read(user):
        return qs.none()
    if is_overseer(user):
        return qs
    unit = getattr(user, "unit_id", None)
    if unit is None or not has_any_role(user, STAFF_ROLES) or has_any_role(user, {Role.ENTERPRISE}):
        return qs.none()
    return qs.filter(Q(lead_unit_id=unit) | Q(plan_units__unit_id=unit)).distinct()


def access_plan(user: Any, plan_id: Any, action: str = "view") -> Plan:
    """The plan if `user` may `action` it ("view" or "manage"); out of scope → NotFound."""
    try:
        pk = int(plan_id)
    except (TypeError, ValueError) as exc:
        raise NotFound() from exc
    plan = visible_plans(user).select_related("lead_unit", "region", "drawn_by").filter(pk=pk).first()
    if plan is None:
        raise NotFound()
    if action == "manage" and not may_manage(user, plan):
        raise PermissionDenied("只有牵头单位负责人或营商办可以操作该抽查计划")
    return plan


def visible_visits(user: Any) -> VisitQuerySet:
    qs = Visit.objects.exclude(plan__status=PlanStatus.DRAFT)
    if not can_read(user):
        return qs.none()
    if is_overseer(user):
        return qs
    own = Q(pk__in=duty_visit_ids(user))
    unit = getattr(user, "unit_id", None)
    if is_unit_head(user):
        # Every visit has a team of each joining unit: the unit's visits are its plans' visits.
        own |= Q(plan__lead_unit_id=unit) | Q(plan__plan_units__unit_id=unit)
    return qs.filter(own).distinct()


def duty_visit_ids(user: Any) -> list[int]:
    """The visits whose team `user` is on, in plans past their draft (read from the duty rows)."""
    ids: list[int] = []
    rows = Duty.objects.filter(inspector_id=user.pk).exclude(plan__status=PlanStatus.DRAFT)
    for visits in rows.values_list("visit_ids", flat=True):
        ids.extend(int(v) for v in visits)
    return ids


def access_visit(user: Any, visit_id: Any, action: str = "view") -> Visit:
    """The visit if `user` may `action` it ("view", "record": a member of its team or a manager of
    its plan). Out of scope → NotFound."""
    try:
        pk = int(visit_id)
    except (TypeError, ValueError) as exc:
        raise NotFound() from exc
    visit = visible_visits(user).select_related("plan", "plan__lead_unit", "enterprise").filter(pk=pk).first()
    if visit is None:
        raise NotFound()
    if action == "record" and not may_record(user, visit):
        raise PermissionDenied("只有检查组成员可以录入检查结果")
    return visit


def may_record(user: Any, visit: Visit) -> bool:
    return visit.has_member(user.pk) or may_manage(user, visit.plan)


def may_keep_links(user: Any, inspector: Any) -> bool:
    """A declared link of `inspector` is kept by the inspector, the head of his or her unit, or a manager."""
    if is_manager(user) or inspector.pk == user.pk:
        return True
    return is_unit_head(user) and inspector.unit_id == user.unit_id
