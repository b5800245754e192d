"""Who sees and does what in the service network (R0.4 applied to R3/R4).

* Managing assignments (安排、调整、批量导入): 系统管理员, 营商办 and 单位负责人, for enterprises in
  their scope (a county's unit head arranges its county's officers).
* Oversight (coverage, compliance matrix, verification results, all contacts): the managers and the
  city's supervising roles, within their scope — the lead units see the gaps.
* An officer (帮办专员/驻厂员) logs contacts for the enterprises assigned to him or her, and sees
  his or her own contacts and compliance.
* An enterprise user sees its own enterprise's officer, contacts and visits; its 工作联络员 confirms
  or disputes visits.
* 解难帮扶会办会 (R3.3): the managers schedule and run them for the key enterprises of their area (营商办
  for the city; a county's or zone's unit head for its own); the overseers see those of enterprises
  in their scope, an officer those of the enterprises he or she serves now, and the staff of a unit
  those it is invited to or responsible for, where its members report the 批办/会办 results.
A record outside one's scope is "not found" (404), never "forbidden".
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from bangban.accounts.access import enterprise_scope_q, has_any_role, scope_of
from bangban.accounts.roles import Role
from bangban.core.errors import NotFound, PermissionDenied, ValidationFailed
from bangban.org.models import Region, RegionLevel

from .models import Assignment, AssignmentBatch, Contact, HelpItem, HelpMeeting

MANAGER_ROLES = frozenset({Role.ADMIN, Role.BIZ_OFFICE, Role.UNIT_HEAD})
OVERSIGHT_ROLES = MANAGER_ROLES | frozenset(
    {
        Role.AUDITOR,
        Role.CONDUCT_OFFICE,
        Role.MAYOR_OFFICE,
        Role.DEPUTY_SECRETARY_GENERAL,
        Role.SECRETARY_GENERAL,
        Role.VICE_MAYOR,
        Role.MAYOR,
    }
)
OFFICER_ROLES = frozenset({Role.SERVICE_OFFICER})
# Who records a leader's visit (R4.1): the leaders' offices and the managers, and officers who
# accompany them.
LEADER_VISIT_ROLES = MANAGER_ROLES | frozenset(
    {
        Role.MAYOR_OFFICE,
        Role.DEPUTY_SECRETARY_GENERAL,
        Role.SECRETARY_GENERAL,
        Role.VICE_MAYOR,
        Role.MAYOR,
        Role.SERVICE_OFFICER,
    }
)


def is_manager(user: Any) -> bool:
    return has_any_role(user, MANAGER_ROLES) and not scope_of(user).empty


def is_overseer(user: Any) -> bool:
    return has_any_role(user, OVERSIGHT_ROLES) and not scope_of(user).empty


def is_officer(user: Any) -> bool:
    return has_any_role(user, OFFICER_ROLES)


def is_enterprise_user(user: Any) -> bool:
    return has_any_role(user, {Role.ENTERPRISE}) and getattr(user, "enterprise_id", None) is not None


def can_record_leader_visit(user: Any) -> bool:
    return has_any_role(user, LEADER_VISIT_ROLES) and not scope_of(user).empty


def require_manager(user: Any) -> None:
    if not is_manager(user):
        raise PermissionDenied("只有系统管理员、营商办和单位负责人可以安排帮办专员")


def visible_assignments(user: Any) -> QuerySet[Assignment]:
    qs = Assignment.objects.all()
    mine = Q(officer_id=getattr(user, "pk", None)) if is_officer(user) else Q(pk__in=[])
    if is_overseer(user) or is_officer(user) or is_enterprise_user(user):
        scoped = enterprise_scope_q(user)
        if scoped is not None:
            return _either(qs, scoped, mine)
    return qs.filter(mine)


def _either(qs: QuerySet[Any], scoped: Q, mine: Q) -> QuerySet[Any]:
    """Rows in scope or the user's own (an empty `scoped` means the whole city)."""
    if not scoped:
        return qs
    return qs.filter(scoped | mine)


def access_assignment(user: Any, assignment_id: int | str) -> Assignment:
    try:
        pk = int(assignment_id)
    except (TypeError, ValueError) as exc:
        raise NotFound() from exc
    found = (
        visible_assignments(user)
        .select_related("officer", "officer__unit", "enterprise", "enterprise__region")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def visible_contacts(user: Any) -> QuerySet[Contact]:
    qs = Contact.objects.all()
    mine = (
        Q(officer_id=getattr(user, "pk", None)) if getattr(user, "is_authenticated", False) else Q(pk__in=[])
    )
    if is_overseer(user) or is_enterprise_user(user):
        scoped = enterprise_scope_q(user)
        if scoped is not None:
            return _either(qs, scoped, mine)
    return qs.filter(mine)


def access_contact(user: Any, contact_id: int | str) -> Contact:
    try:
        pk = int(contact_id)
    except (TypeError, ValueError) as exc:
        raise NotFound() from exc
    found = (
        visible_contacts(user)
        .select_related(
            "officer", "officer__unit", "enterprise", "enterprise__region", "ticket", "verified_by"
        )
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def visible_batches(user: Any) -> QuerySet[AssignmentBatch]:
    if not is_manager(user):
        return AssignmentBatch.objects.none()
    return AssignmentBatch.objects.filter(created_by_id=user.pk)


def access_batch(user: Any, batch_id: int | str) -> AssignmentBatch:
    try:
        pk = int(batch_id)
    except (TypeError, ValueError) as exc:
        raise NotFound() from exc
    found = visible_batches(user).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def can_see_compliance(user: Any) -> bool:
    return is_overseer(user) or is_officer(user)


def area_filter(user: Any, code: str) -> Region | None:
    """The county or zone a compliance matrix is filtered to (`?region=<code>`); empty: none. A code
    that is not a county or zone of the city is refused; one outside the user's scope is 404."""
    code = (code or "").strip()
    if not code:
        return None
    region = Region.objects.filter(code=code[:12], level__in=[RegionLevel.COUNTY, RegionLevel.ZONE]).first()
    if region is None:
        raise ValidationFailed(
            f"区域“{code[:20]}”不是本市的县区或功能区", code="region_invalid", details={"field": "region"}
        )
    scope = scope_of(user)
    if scope.city_wide or not is_overseer(user):
        return region
    if scope.region_path is not None and (
        region.path.startswith(scope.region_path) or scope.region_path.startswith(region.path)
    ):
        return region
    raise NotFound()


# --- 解难帮扶会办会 (R3.3) ---------------------------------------------------------------------------

UNIT_STAFF_ROLES = frozenset({Role.HANDLER, Role.UNIT_HEAD})


def area_of(user: Any) -> str | None:
    """The area a manager runs meetings for: "" the city, a region path, None none."""
    if not is_manager(user):
        return None
    scope = scope_of(user)
    return "" if scope.city_wide else scope.region_path


def can_run_meeting(user: Any, meeting: HelpMeeting) -> bool:
    area = area_of(user)
    return area is not None and meeting.area_path.startswith(area)


def require_meeting_runner(user: Any, meeting: HelpMeeting) -> None:
    if not can_run_meeting(user, meeting):
        raise PermissionDenied("只有组织该会办会的营商办或单位负责人可以执行此操作", code="not_organiser")


def visible_help_meetings(user: Any) -> QuerySet[HelpMeeting]:
    qs = HelpMeeting.objects.all()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return qs.none()
    if is_overseer(user):
        scoped = enterprise_scope_q(user, "enterprises__")
        if scoped is not None and not scoped:
            return qs
    else:
        scoped = None
    q = Q(pk__in=[])
    if scoped is not None:
        q |= scoped
    area = area_of(user)
    if area:
        q |= Q(area_path__startswith=area)
    if is_officer(user):
        served = Assignment.objects.filter(officer_id=user.pk, ended_on__isnull=True).values("enterprise_id")
        q |= Q(enterprises__in=served)
    unit_id = getattr(user, "unit_id", None)
    if unit_id and has_any_role(user, UNIT_STAFF_ROLES):
        q |= Q(units=unit_id) | Q(items__lead_unit=unit_id) | Q(items__co_units=unit_id)
    return qs.filter(pk__in=HelpMeeting.objects.filter(q).values("pk"))


def access_help_meeting(user: Any, meeting_id: Any) -> HelpMeeting:
    try:
        pk = int(str(meeting_id).strip())
    except (TypeError, ValueError) as exc:
        raise NotFound() from exc
    found = visible_help_meetings(user).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def access_help_item(user: Any, item_id: Any) -> HelpItem:
    try:
        pk = int(str(item_id).strip())
    except (TypeError, ValueError) as exc:
        raise NotFound() from exc
    meeting_id = HelpItem.objects.filter(pk=pk).values_list("meeting_id", flat=True).first()
    if meeting_id is None:
        raise NotFound()
    access_help_meeting(user, meeting_id)
    return HelpItem.objects.select_related("meeting").get(pk=pk)


def can_complete_item(user: Any, item: HelpItem) -> bool:
    """The lead unit's staff report the result; the meeting's organisers may record it for them."""
    unit_id = getattr(user, "unit_id", None)
    if unit_id and unit_id == item.lead_unit_id and has_any_role(user, UNIT_STAFF_ROLES):
        return True
    return can_run_meeting(user, item.meeting)
