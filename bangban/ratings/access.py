"""Who may see and do what in ratings. Missing and out of scope both answer NotFound (404).

- 营商办, administrators and the other city-wide roles see every rating, rectification and draw;
- a member of a unit (承办人, 单位负责人) sees the ratings and rectifications of their own unit
  (a service site's staff: their site); a dispatcher of a county sees those of units in the county;
- an enterprise user sees the ratings they gave.

Who may rate a case: its enterprise (its users) or its submitter, logged in, or the holder of a
one-time SMS link sent to the case's contact phone — never a member of a unit that handles the case
(`handles_case`: the lead unit and every co-handling unit, past or present), whatever credential
they hold. 营商办 finds and voids ratings given in breach (`VOID_ROLES`).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from bangban.accounts.access import has_any_role, scope_of
from bangban.accounts.roles import Role
from bangban.core.errors import NotFound, PermissionDenied
from bangban.tickets.models import TicketAssignment

from .models import Rating, Rectification, Window

MANAGER_ROLES = frozenset({Role.ADMIN, Role.BIZ_OFFICE})
UNIT_ROLES = frozenset({Role.HANDLER, Role.UNIT_HEAD})
FOLLOW_UP_ROLES = frozenset({Role.HOTLINE_AGENT, Role.DISPATCHER, Role.BIZ_OFFICE, Role.ADMIN})
RECHECK_ROLES = frozenset({Role.BIZ_OFFICE, Role.ADMIN, Role.MAYOR_OFFICE, Role.HOTLINE_AGENT})
FIGURE_ROLES = frozenset(
    {Role.BIZ_OFFICE, Role.ADMIN, Role.MAYOR_OFFICE, Role.AUDITOR, Role.DISPATCHER, Role.UNIT_HEAD}
)


# Who may find and void ratings given in breach of the rules (评价核查与作废).
VOID_ROLES = frozenset({Role.BIZ_OFFICE})


def handling_unit_ids(ticket: Any) -> set[int]:
    """The units that handle or handled the case: its lead unit and every unit ever assigned to it
    (主办 or 协办)."""

    units = set(TicketAssignment.objects.filter(ticket_id=ticket.pk).values_list("unit_id", flat=True))
    if ticket.lead_unit_id:
        units.add(ticket.lead_unit_id)
    return units


def handles_case(user: Any, ticket: Any) -> bool:
    """Whether `user` is a member of a unit that handles the case (so may never rate it)."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "unit_id", None):
        return False
    return user.unit_id in handling_unit_ids(ticket)


def owns_case(user: Any, ticket: Any) -> bool:
    """Whether `user` is the case's submitter or one of its enterprise's users (who may rate it,
    unless they also belong to a unit handling it: `handles_case`)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return ticket.submitter_id == user.pk or bool(
        has_any_role(user, {Role.ENTERPRISE})
        and user.enterprise_id
        and ticket.enterprise_id == user.enterprise_id
    )


def may_rate_case(user: Any, ticket: Any) -> bool:
    return owns_case(user, ticket) and not handles_case(user, ticket)


def require_not_handling(user: Any, ticket: Any) -> None:
    if handles_case(user, ticket):
        raise PermissionDenied(
            "您所在单位承办该诉求，不能评价本单位办理的诉求，也不能使用该诉求的评价链接", code="own_unit_case"
        )


def is_manager(user: Any) -> bool:
    return has_any_role(user, MANAGER_ROLES)


def unit_condition(user: Any, field: str = "unit") -> Q | None:
    """The units whose records `user` sees: None = every unit."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    if user.is_superuser or has_any_role(
        user, MANAGER_ROLES | {Role.MAYOR_OFFICE, Role.AUDITOR, Role.HOTLINE_AGENT}
    ):
        return None
    scope = scope_of(user)
    dispatcher = has_any_role(user, {Role.DISPATCHER})
    if dispatcher and scope.city_wide:
        return None
    # field="self": the condition on org.Unit itself.
    own, region = (f"{field}_id", f"{field}__region__path__startswith") if field != "self" else (
        "pk", "region__path__startswith")  # fmt: skip
    condition = Q(pk__in=[])
    if user.unit_id and has_any_role(user, UNIT_ROLES | {Role.DISPATCHER}):
        condition |= Q(**{own: user.unit_id})
    if dispatcher and scope.region_path:
        condition |= Q(**{region: scope.region_path})
    return condition


def visible_ratings(user: Any) -> QuerySet[Rating]:
    qs = Rating.objects.all()
    condition = unit_condition(user)
    if condition is None:
        return qs
    if getattr(user, "is_authenticated", False):
        condition |= Q(rater_id=user.pk)
    return qs.filter(condition)


def visible_rectifications(user: Any) -> QuerySet[Rectification]:
    qs = Rectification.objects.all()
    condition = unit_condition(user)
    if condition is None:
        return qs
    if getattr(user, "is_authenticated", False):
        condition |= Q(rating__rater_id=user.pk)
    return qs.filter(condition)


def access_rectification(user: Any, rect_id: int | str, *, for_update: bool = False) -> Rectification:
    try:
        pk = int(rect_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    if not visible_rectifications(user).filter(pk=pk).exists():
        raise NotFound()
    qs = Rectification.objects.select_for_update() if for_update else Rectification.objects.all()
    return qs.select_related("unit", "rating", "subject").get(pk=pk) if not for_update else qs.get(pk=pk)


def require_unit_member(user: Any, rect: Rectification) -> None:
    if getattr(user, "is_superuser", False) or has_any_role(user, {Role.ADMIN}):
        return
    if not (user.unit_id == rect.unit_id and has_any_role(user, UNIT_ROLES)):
        raise PermissionDenied("只有责任单位的承办人或负责人可以办理该整改")


def require_manager(user: Any, message: str = "只有营商办可以执行此操作") -> None:
    if not is_manager(user):
        raise PermissionDenied(message)


def manageable_sites(user: Any) -> Q | None:
    """Sites whose windows and devices `user` manages: None = all."""
    if is_manager(user) or getattr(user, "is_superuser", False):
        return None
    if user.unit_id and has_any_role(user, {Role.UNIT_HEAD}):
        return Q(site_id=user.unit_id)
    return Q(pk__in=[])


def visible_windows(user: Any) -> QuerySet[Window]:
    qs = Window.objects.select_related("site")
    condition = manageable_sites(user) if getattr(user, "is_authenticated", False) else Q(pk__in=[])
    if condition is None:
        return qs
    if getattr(user, "unit_id", None) and has_any_role(user, UNIT_ROLES):
        condition |= Q(site_id=user.unit_id)
    return qs.filter(condition)


def can_manage_site(user: Any, site_id: int) -> bool:
    condition = manageable_sites(user)
    if condition is None:
        return True
    return bool(user.unit_id) and user.unit_id == site_id and has_any_role(user, {Role.UNIT_HEAD})
