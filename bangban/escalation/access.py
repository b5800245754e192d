"""Who may do what in escalation, and what each user sees (R0.4).

- Tiers and parameters: 系统管理员, 营商办.
- Manual escalation: the highest tier each role may raise a case to (`ESCALATE_MAX_LEVEL`); the
  head of the case's lead unit may only ask for the next tier (专题会办).
- Meetings: 营商办, 市政府办公室 (专人, 秘书长), 派单员 (联席会议), 系统管理员 organise them;
  everybody who can see a meeting may read it; participants confirm their own attendance.
- Meeting tasks: members of the owner unit report them done.
- Mayor's channel: 市政府办公室专人 classify and dispatch, the assigned 对口联系副秘书长 reviews,
  秘书长 then the 分管市长 in charge of the category (the portfolio, kept by 营商办 and the
  administrator; else the 常务副市长) sign.
- Disputes: members of a unit assigned to the case raise them; the 专班 (派单员 of the 指挥中心,
  lead of R6.2) decides.
- Supervision: 营商办, 市政府办公室, 作风办 issue; the addressed unit answers.
Objects outside a user's view answer NotFound (404), like the case pages.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from bangban.accounts.access import has_any_role, scope_of
from bangban.accounts.roles import CITY_WIDE_ROLES, STAFF_ROLES, Role
from bangban.core.errors import NotFound
from bangban.tickets.access import visible_tickets

from .models import Dispute, Meeting, MeetingTask, SupervisionOrder

CONFIG_ROLES = frozenset({Role.ADMIN, Role.BIZ_OFFICE})
UNIT_ROLES = frozenset({Role.HANDLER, Role.UNIT_HEAD})
MEETING_ROLES = frozenset(
    {Role.ADMIN, Role.BIZ_OFFICE, Role.MAYOR_OFFICE, Role.SECRETARY_GENERAL, Role.DISPATCHER}
)
SUPERVISOR_ROLES = frozenset({Role.ADMIN, Role.BIZ_OFFICE, Role.MAYOR_OFFICE, Role.CONDUCT_OFFICE})
TASK_FORCE_ROLES = frozenset({Role.ADMIN, Role.DISPATCHER})
MAYOR_STAFF_ROLES = frozenset({Role.ADMIN, Role.MAYOR_OFFICE})
MAYOR_CHAIN_ROLES = frozenset(
    {
        Role.ADMIN,
        Role.MAYOR_OFFICE,
        Role.DEPUTY_SECRETARY_GENERAL,
        Role.SECRETARY_GENERAL,
        Role.VICE_MAYOR,
        Role.MAYOR,
    }
)

# The highest tier a role may raise a case to by hand.
ESCALATE_MAX_LEVEL: dict[str, int] = {
    Role.UNIT_HEAD: 2,
    Role.DISPATCHER: 3,
    Role.BIZ_OFFICE: 9,
    Role.ADMIN: 9,
    Role.VICE_MAYOR: 9,
    Role.MAYOR: 9,
}


def is_staff(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return has_any_role(user, STAFF_ROLES)


def city_wide(user: Any) -> bool:
    """City-wide roles, and the dispatchers of a city unit (the 指挥中心, whose 专班 handles disputes)."""
    if user.is_superuser or user.role_codes() & CITY_WIDE_ROLES:
        return True
    return has_any_role(user, {Role.DISPATCHER}) and scope_of(user).city_wide


def unit_member(user: Any, unit_id: int | None) -> bool:
    return bool(unit_id and user.unit_id == unit_id and has_any_role(user, UNIT_ROLES))


def visible_meetings(user: Any) -> QuerySet[Meeting]:
    qs = Meeting.objects.all()
    if (
        not getattr(user, "is_authenticated", False)
        or not user.is_active
        or has_any_role(user, {Role.ENTERPRISE})
    ):
        return qs.none()
    if city_wide(user):
        return qs
    condition = Q(participants__user_id=user.pk) | Q(chair_id=user.pk)
    if user.unit_id:
        condition |= Q(units__id=user.unit_id) | Q(tasks__owner_unit_id=user.unit_id)
    return qs.filter(pk__in=Meeting.objects.filter(condition).values("pk"))


def access_meeting(user: Any, meeting_id: Any, *, for_update: bool = False) -> Meeting:
    try:
        pk = int(meeting_id)
    except (TypeError, ValueError) as exc:
        raise NotFound() from exc
    if not visible_meetings(user).filter(pk=pk).exists():
        raise NotFound()
    qs = Meeting.objects.select_for_update() if for_update else Meeting.objects.select_related("chair")
    return qs.get(pk=pk)


def visible_tasks(user: Any) -> QuerySet[MeetingTask]:
    qs = MeetingTask.objects.all()
    if not getattr(user, "is_authenticated", False) or has_any_role(user, {Role.ENTERPRISE}):
        return qs.none()
    if city_wide(user):
        return qs
    return qs.filter(Q(owner_unit_id=user.unit_id) | Q(meeting__in=visible_meetings(user)))


def visible_disputes(user: Any) -> QuerySet[Dispute]:
    qs = Dispute.objects.all()
    if not getattr(user, "is_authenticated", False) or has_any_role(user, {Role.ENTERPRISE}):
        return qs.none()
    if city_wide(user):
        return qs
    if not user.unit_id:
        return qs.none()
    return qs.filter(
        Q(unit_id=user.unit_id) | Q(lead_unit_id=user.unit_id) | Q(co_units__id=user.unit_id)
    ).distinct()


def visible_orders(user: Any) -> QuerySet[SupervisionOrder]:
    qs = SupervisionOrder.objects.all()
    if not getattr(user, "is_authenticated", False) or has_any_role(user, {Role.ENTERPRISE}):
        return qs.none()
    if city_wide(user):
        return qs
    if not user.unit_id:
        return qs.none()
    # Their unit's orders, and orders on the cases they can see (e.g. as a co-handling unit).

    return qs.filter(Q(unit_id=user.unit_id) | Q(ticket__in=visible_tickets(user).values("pk")))


def can_supervise(user: Any) -> bool:
    return has_any_role(user, SUPERVISOR_ROLES)


def can_configure(user: Any) -> bool:
    return has_any_role(user, CONFIG_ROLES)


def can_organise_meetings(user: Any) -> bool:
    return has_any_role(user, MEETING_ROLES)


def can_decide_disputes(user: Any) -> bool:
    return has_any_role(user, TASK_FORCE_ROLES)


def max_escalation_level(user: Any) -> int:
    if getattr(user, "is_superuser", False):
        return 99
    return max((ESCALATE_MAX_LEVEL.get(code, 0) for code in user.role_codes()), default=0)


def can_edit_routes(user: Any) -> bool:
    """The 对口联系副秘书长 table: 市政府办公室专人 and the administrator keep it."""
    return has_any_role(user, MAYOR_STAFF_ROLES)


def can_view_routes(user: Any) -> bool:
    return has_any_role(user, MAYOR_CHAIN_ROLES)


def can_edit_portfolio(user: Any) -> bool:
    """The 分管市长 portfolio: 营商办 and the administrator keep it."""
    return has_any_role(user, CONFIG_ROLES)


def can_view_portfolio(user: Any) -> bool:
    return has_any_role(user, CONFIG_ROLES | MAYOR_CHAIN_ROLES)
