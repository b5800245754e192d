"""Who may see and do what in outreach (R0.4). Views and the API go through here only.

* Projects: city-wide roles and city departments (市商务局 …) see every project; staff of a
  county, zone or township see the projects of their region and below; a chief service officer
  always sees the projects they serve; an enterprise user sees its own projects. Anything else is
  "not found" (404).
* Collection rounds and problems follow the region of the round / the project.
* Policies are public to staff; an enterprise sees the policies delivered to it.
* Supervisor reports: the supervisor sees their own; 营商办 sees all.
* Association opinions: city-wide staff; the answering unit's staff; the enterprises concerned;
  the accounts of the association that submitted them (a 行业协会商会 account sees nothing else).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from bangban.accounts.access import has_any_role, scope_of
from bangban.accounts.roles import STAFF_ROLES, Role
from bangban.core import kit
from bangban.core.errors import NotFound, PermissionDenied

from .models import (
    Association,
    AssociationOpinion,
    CollectionRound,
    Event,
    InvestmentProject,
    Policy,
    PolicyDelivery,
    PolicyPush,
    ProblemCoordination,
    ProjectProblem,
    SupervisorReport,
    Symposium,
)

# Who registers and serves projects (the county/zone lead investment departments, 市商务局).
PROJECT_ROLES = frozenset(
    {Role.CHIEF_SERVICE_OFFICER, Role.UNIT_HEAD, Role.HANDLER, Role.BIZ_OFFICE, Role.ADMIN}
)
# Who keeps the policy library and pushes policies.
POLICY_ROLES = frozenset({Role.BIZ_OFFICE, Role.UNIT_HEAD, Role.ADMIN})
# Who runs the 议事厅, supervisors' reports, talks and symposia.
FORUM_ROLES = frozenset({Role.BIZ_OFFICE, Role.ADMIN})
SYMPOSIUM_ROLES = frozenset({Role.BIZ_OFFICE, Role.UNIT_HEAD, Role.ADMIN})
# Staff who may answer an opinion addressed to their unit.
ANSWER_ROLES = frozenset({Role.HANDLER, Role.UNIT_HEAD})


def _pk(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise NotFound() from exc


def is_enterprise_user(user: Any) -> bool:
    return has_any_role(user, {Role.ENTERPRISE}) and not has_any_role(user, STAFF_ROLES)


def _region_q(user: Any, field: str) -> Q | None:
    """Q on a region field for the user's scope; None = everything; Q(pk__in=[]) = nothing."""
    scope = scope_of(user)
    if scope.city_wide:
        return None
    if scope.region_path is not None:
        return Q(**{f"{field}__path__startswith": scope.region_path})
    return Q(pk__in=[])


# --- projects -------------------------------------------------------------------------------------


def visible_projects(user: Any) -> QuerySet[InvestmentProject]:
    qs = InvestmentProject.objects.all()
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    scope = scope_of(user)
    if scope.city_wide:
        return qs
    if scope.enterprise_id is not None:
        return qs.filter(enterprise_id=scope.enterprise_id)
    q = Q(chief_officer_id=user.pk)
    if scope.region_path is not None:
        q |= Q(region__path__startswith=scope.region_path)
    return qs.filter(q)


def can_manage_projects(user: Any) -> bool:
    return has_any_role(user, PROJECT_ROLES) and not scope_of(user).empty


def may_serve_project(user: Any, project: InvestmentProject) -> bool:
    """The chief service officer of the project, or project staff whose scope covers it."""
    if project.chief_officer_id == getattr(user, "pk", None):
        return True
    if not has_any_role(user, PROJECT_ROLES - {Role.CHIEF_SERVICE_OFFICER}):
        return False
    scope = scope_of(user)
    return scope.city_wide or (
        scope.region_path is not None and project.region.path.startswith(scope.region_path)
    )


def access_project(
    user: Any, project_id: Any, action: str = "view", *, for_update: bool = False
) -> InvestmentProject:
    found = visible_projects(user).filter(pk=_pk(project_id)).values_list("pk", flat=True).first()
    if found is None:
        raise NotFound()
    qs = InvestmentProject.objects.select_related("region", "enterprise", "chief_officer", "lead_unit")
    project = kit.lock(qs, found) if for_update else qs.get(pk=found)
    if action != "view" and not may_serve_project(user, project):
        raise PermissionDenied("只有该项目的首席服务员或牵头招商部门可以办理此操作")
    return project


def visible_rounds(user: Any) -> QuerySet[CollectionRound]:
    qs = CollectionRound.objects.all()
    if not has_any_role(user, STAFF_ROLES):
        return qs.none()
    q = _region_q(user, "region")
    if q is None:
        return qs
    # A chief officer of another region sees the rounds where their projects are collected.
    return qs.filter(q | Q(region__investment_projects__chief_officer_id=user.pk)).distinct()


def access_round(
    user: Any, round_id: Any, action: str = "view", *, for_update: bool = False
) -> CollectionRound:
    qs = visible_rounds(user).select_related("region", "lead_unit")
    found = qs.filter(pk=_pk(round_id)).first()
    if found is None:
        raise NotFound()
    if for_update:
        found = (
            CollectionRound.objects.select_for_update(of=("self",))
            .select_related("region", "lead_unit")
            .get(pk=found.pk)
        )
    if action != "view" and not may_run_round(user, found):
        raise PermissionDenied("只有该县区/功能区的牵头招商部门可以报送本月问题")
    return found


def may_run_round(user: Any, rnd: CollectionRound) -> bool:
    if not has_any_role(user, PROJECT_ROLES):
        return False
    if has_any_role(user, {Role.ADMIN, Role.BIZ_OFFICE}):
        return True
    if rnd.lead_unit_id and getattr(user, "unit_id", None) == rnd.lead_unit_id:
        return True
    scope = scope_of(user)
    return scope.region_path is not None and rnd.region.path.startswith(scope.region_path)


def visible_problems(user: Any) -> QuerySet[ProjectProblem]:
    """The problems of the projects a user sees, and those their unit was coordinated on (R1.3)."""
    condition = Q(project__in=visible_projects(user))
    if getattr(user, "unit_id", None) and has_any_role(user, STAFF_ROLES):
        condition |= Q(coordination__units__id=user.unit_id)
    return ProjectProblem.objects.filter(pk__in=ProjectProblem.objects.filter(condition).values("pk"))


def visible_coordinations(user: Any) -> QuerySet[ProblemCoordination]:
    """The coordinations a user sees: those of the projects they see, and those their unit took
    part in (whatever the project's region)."""
    qs = ProblemCoordination.objects.all()
    if not getattr(user, "is_authenticated", False) or not has_any_role(user, STAFF_ROLES):
        return qs.none()
    if scope_of(user).city_wide:
        return qs
    condition = Q(problem__project__in=visible_projects(user))
    if getattr(user, "unit_id", None):
        condition |= Q(units__id=user.unit_id)
    return qs.filter(pk__in=ProblemCoordination.objects.filter(condition).values("pk"))


def access_problem(
    user: Any, problem_id: Any, action: str = "view", *, for_update: bool = False
) -> ProjectProblem:
    found = visible_problems(user).filter(pk=_pk(problem_id)).values_list("pk", flat=True).first()
    if found is None:
        raise NotFound()
    qs = ProjectProblem.objects.select_related(
        "round__region", "project__region", "project__enterprise", "ticket"
    )
    problem = kit.lock(qs, found) if for_update else qs.get(pk=found)
    if action != "view" and not (
        may_serve_project(user, problem.project) or may_run_round(user, problem.round)
    ):
        raise PermissionDenied("只有该项目的首席服务员或牵头招商部门可以处理该问题")
    return problem


def can_see_overview(user: Any) -> bool:
    """市商务局's monthly overview: city-wide staff (市商务局 is a city department) and auditors."""
    return has_any_role(user, STAFF_ROLES) and scope_of(user).city_wide


# --- policies -------------------------------------------------------------------------------------


def can_manage_policies(user: Any) -> bool:
    return has_any_role(user, POLICY_ROLES) and not scope_of(user).empty and not is_enterprise_user(user)


def visible_policies(user: Any) -> QuerySet[Policy]:
    if has_any_role(user, STAFF_ROLES):
        return Policy.objects.all()
    if is_enterprise_user(user) and user.enterprise_id:
        return Policy.objects.filter(deliveries__enterprise_id=user.enterprise_id)
    return Policy.objects.none()


def access_policy(user: Any, policy_id: Any, action: str = "view", *, for_update: bool = False) -> Policy:
    found = visible_policies(user).filter(pk=_pk(policy_id)).values_list("pk", flat=True).first()
    if found is None:
        raise NotFound()
    qs = Policy.objects.select_related("issuer")
    policy = kit.lock(qs, found) if for_update else qs.get(pk=found)
    if action != "view" and not can_manage_policies(user):
        raise PermissionDenied("只有营商办或单位负责人可以维护和推送惠企政策")
    return policy


def visible_pushes(user: Any) -> QuerySet[PolicyPush]:
    if not can_manage_policies(user):
        return PolicyPush.objects.none()
    return PolicyPush.objects.all()


def access_push(user: Any, push_id: Any) -> PolicyPush:
    push = visible_pushes(user).select_related("policy").filter(pk=_pk(push_id)).first()
    if push is None:
        raise NotFound()
    return push


def visible_deliveries(user: Any) -> QuerySet[PolicyDelivery]:
    qs = PolicyDelivery.objects.all()
    if is_enterprise_user(user):
        return qs.filter(enterprise_id=user.enterprise_id) if user.enterprise_id else qs.none()
    if not has_any_role(user, STAFF_ROLES):
        return qs.none()
    q = _region_q(user, "enterprise__region")
    return qs if q is None else qs.filter(q)


def access_delivery(user: Any, delivery_id: Any, *, for_update: bool = False) -> PolicyDelivery:
    found = visible_deliveries(user).filter(pk=_pk(delivery_id)).values_list("pk", flat=True).first()
    if found is None:
        raise NotFound()
    qs = PolicyDelivery.objects.select_related("policy", "enterprise", "read_by")
    return kit.lock(qs, found) if for_update else qs.get(pk=found)


# --- associations, supervisors, talks ---------------------------------------------------------------


def can_run_forums(user: Any) -> bool:
    return has_any_role(user, FORUM_ROLES)


def is_association_user(user: Any) -> bool:
    """A 行业协会商会 account: outside government, it sees only its own association's opinions."""
    return has_any_role(user, {Role.ASSOCIATION}) and not has_any_role(user, STAFF_ROLES)


def own_associations(user: Any) -> QuerySet[Association]:
    """The active associations an account speaks for."""
    if not getattr(user, "is_authenticated", False):
        return Association.objects.none()
    return Association.objects.filter(accounts=user, is_active=True)


def can_submit_opinion(user: Any) -> bool:
    """营商办 enters opinions on an association's behalf; an association account submits its own."""
    return can_run_forums(user) or (is_association_user(user) and own_associations(user).exists())


def visible_opinions(user: Any) -> QuerySet[AssociationOpinion]:
    qs = AssociationOpinion.objects.all()
    if is_association_user(user):
        return qs.filter(association__accounts=user)
    if is_enterprise_user(user):
        return qs.filter(enterprises__id=user.enterprise_id) if user.enterprise_id else qs.none()
    if not has_any_role(user, STAFF_ROLES):
        return qs.none()
    if scope_of(user).city_wide:
        return qs
    return qs.filter(answer_unit_id=getattr(user, "unit_id", None))


def access_opinion(user: Any, opinion_id: Any, *, for_update: bool = False) -> AssociationOpinion:
    found = visible_opinions(user).filter(pk=_pk(opinion_id)).values_list("pk", flat=True).first()
    if found is None:
        raise NotFound()
    qs = AssociationOpinion.objects.select_related(
        "association", "answer_unit", "answered_by", "submitted_by"
    )
    return kit.lock(qs, found) if for_update else qs.get(pk=found)


def may_answer(user: Any, opinion: AssociationOpinion) -> bool:
    return has_any_role(user, {Role.ADMIN}) or (
        has_any_role(user, ANSWER_ROLES) and getattr(user, "unit_id", None) == opinion.answer_unit_id
    )


def can_report_as_supervisor(user: Any) -> bool:
    return has_any_role(user, {Role.VOLUNTEER_SUPERVISOR})


def visible_reports(user: Any) -> QuerySet[SupervisorReport]:
    qs = SupervisorReport.objects.all()
    if can_run_forums(user):
        return qs
    if can_report_as_supervisor(user):
        return qs.filter(reporter_id=user.pk)
    return qs.none()


def access_report(
    user: Any, report_id: Any, action: str = "view", *, for_update: bool = False
) -> SupervisorReport:
    found = visible_reports(user).filter(pk=_pk(report_id)).values_list("pk", flat=True).first()
    if found is None:
        raise NotFound()
    qs = SupervisorReport.objects.select_related("reporter", "region", "ticket", "handled_by")
    report = kit.lock(qs, found) if for_update else qs.get(pk=found)
    if action != "view" and not can_run_forums(user):
        raise PermissionDenied("只有营商办可以转办和跟踪监督员反映的问题")
    return report


def visible_events(user: Any) -> QuerySet[Event]:
    return Event.objects.all() if has_any_role(user, STAFF_ROLES) else Event.objects.none()


def access_event(user: Any, event_id: Any) -> Event:
    found = visible_events(user).filter(pk=_pk(event_id)).first()
    if found is None:
        raise NotFound()
    return found


# --- symposia -----------------------------------------------------------------------------------


def can_run_symposia(user: Any) -> bool:
    return has_any_role(user, SYMPOSIUM_ROLES) and scope_of(user).city_wide


def visible_symposia(user: Any) -> QuerySet[Symposium]:
    if has_any_role(user, STAFF_ROLES) or is_enterprise_user(user):
        return Symposium.objects.all()
    return Symposium.objects.none()


def access_symposium(
    user: Any, symposium_id: Any, action: str = "view", *, for_update: bool = False
) -> Symposium:
    found = visible_symposia(user).filter(pk=_pk(symposium_id)).values_list("pk", flat=True).first()
    if found is None:
        raise NotFound()
    qs = Symposium.objects.select_related("lead_unit")
    symposium = kit.lock(qs, found) if for_update else qs.get(pk=found)
    if action == "manage" and not can_run_symposia(user):
        raise PermissionDenied("只有营商办或市级牵头单位可以组织企业家座谈会")
    return symposium
