"""Who may see and act on which case (R0.4, R12.1). Views, the API and tasks go through here.

Seeing a case:
- city-wide roles (bangban.accounts.roles.CITY_WIDE_ROLES) and dispatchers of a city unit: every case;
- a dispatcher of a county/zone/township unit: cases whose region lies in that subtree, or that
  were received or are handled by a unit in it;
- handlers and unit heads: cases their unit leads, co-handles, handled before (history), or received;
- enterprise users: their enterprise's cases; anyone: the cases they submitted themselves.
Missing and out-of-scope both answer NotFound (404). An action the user may not take on a case
they can see answers PermissionDenied (403) with the reason.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from bangban.accounts.access import has_any_role, scope_of
from bangban.accounts.roles import CITY_WIDE_ROLES, STAFF_ROLES, Role
from bangban.core import kit
from bangban.core.errors import NotFound, PermissionDenied
from bangban.org.models import UnitType

from .models import Channel, Ticket, TicketAssignment

DISPATCH_ROLES = frozenset({Role.DISPATCHER, Role.ADMIN})
UNIT_ROLES = frozenset({Role.HANDLER, Role.UNIT_HEAD})


def _visibility(user: Any, assigned: Q) -> Q | None:
    """The cases `user` may see as a condition on Ticket, or None for every case. `assigned` is
    the condition "the user's unit is or was assigned the case", written by the caller: a join for
    lists, a per-case EXISTS for one case (`case_visible`)."""
    if user.is_superuser or user.role_codes() & CITY_WIDE_ROLES:
        return None
    condition = Q(submitter_id=user.pk) | Q(created_by_id=user.pk)
    roles = user.role_codes()
    if Role.ENTERPRISE in roles and user.enterprise_id:
        condition |= Q(enterprise_id=user.enterprise_id)
    if user.unit_id and roles & (UNIT_ROLES | {Role.DISPATCHER}):
        condition |= assigned | Q(intake_unit_id=user.unit_id) | Q(lead_unit_id=user.unit_id)
    if Role.DISPATCHER in roles:
        scope = scope_of(user)
        if scope.city_wide:
            return None
        if scope.region_path:
            condition |= Q(region__path__startswith=scope.region_path) | Q(
                lead_unit__region__path__startswith=scope.region_path
            )
    return condition


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def visible_tickets(user: Any) -> QuerySet[Ticket]:
    qs = Ticket.objects.all()
    if not _signed_in(user):
        return qs.none()
    condition = _visibility(user, Q(assignments__unit_id=user.unit_id))
    if condition is None:
        return qs
    # A join through assignments can repeat a case; filter by id to keep counts and paging exact.
    return qs.filter(pk__in=Ticket.objects.filter(condition).values("pk"))


def case_visible(user: Any, pk: int) -> QuerySet[Ticket]:
    """The one case `pk` if `user` may see it (the same rule as `visible_tickets`). Asked of one
    row, the assignment clause is an EXISTS probe: no join to de-duplicate, and about a third of
    the planning time of `visible_tickets(user).filter(pk=pk)` on PostgreSQL."""
    qs = Ticket.objects.filter(pk=pk)
    if not _signed_in(user):
        return qs.none()
    assigned = Exists(TicketAssignment.objects.filter(ticket_id=OuterRef("pk"), unit_id=user.unit_id))
    condition = _visibility(user, Q(assigned))
    return qs if condition is None else qs.filter(condition)


def access_ticket(
    user: Any, ticket_id: int | str, action: str = "view", *, for_update: bool = False
) -> Ticket:
    """The case if `user` may see it (NotFound otherwise) and may take `action` on it
    (PermissionDenied otherwise). With for_update=True the row is locked (call inside a
    transaction)."""
    try:
        pk = int(ticket_id)
    except (TypeError, ValueError) as exc:
        raise NotFound() from exc
    if for_update:
        # One statement: the row is locked only if the user may see it (else NotFound).
        ticket = kit.lock(case_visible(user, pk), pk)
    else:
        # The row is read in the statement that checks the scope (not an EXISTS, then a read).
        found = case_visible(user, pk).select_related("lead_unit", "enterprise").first()
        if found is None:
            raise NotFound()
        ticket = found
    if action != "view":
        check_action(user, ticket, action)
    return ticket


def is_lead_unit_member(user: Any, ticket: Ticket) -> bool:
    return bool(user.unit_id and ticket.lead_unit_id == user.unit_id and has_any_role(user, UNIT_ROLES))


# Who may know who filed a conduct complaint (作风直通车): the 作风办 that handles it, administrators
# and auditors (R0.4, R7.3).
COMPLAINANT_READERS = frozenset({Role.CONDUCT_OFFICE, Role.ADMIN, Role.AUDITOR})
PROTECTED_COMPLAINANT = "（投诉人信息已保护）"


def complainant_hidden(user: Any, ticket: Any) -> bool:
    """R0.4: a conduct complaint never reveals the complainant to the unit complained about. Every
    viewer of a 作风直通车 case except `COMPLAINANT_READERS` and the complainant's own side (the
    submitter, its enterprise's users, whoever recorded it) sees the case without the enterprise,
    the contact or the submitter. `ticket` may be a Ticket or a row with the same attributes."""
    if ticket.channel != Channel.CONDUCT or has_any_role(user, COMPLAINANT_READERS):
        return False
    uid = getattr(user, "pk", None)
    if uid is not None and uid in (ticket.submitter_id, ticket.created_by_id):
        return False
    own = getattr(user, "enterprise_id", None)
    return not (own is not None and own == ticket.enterprise_id)


def works_at_service_site(user: Any) -> bool:
    """Staff of a 政务服务场所 (whatever their role) answer visitors at its counters (R2.1, R2.2)."""
    unit = getattr(user, "unit", None)
    return bool(unit is not None and unit.type == UnitType.SERVICE_SITE and has_any_role(user, STAFF_ROLES))


def check_action(user: Any, ticket: Ticket, action: str) -> None:
    """Role rules per action; the state rules are in workflow.TRANSITIONS."""
    if action == "close_on_spot":
        if has_any_role(user, DISPATCH_ROLES) or (
            ticket.created_by_id == user.pk
            and (
                has_any_role(user, {Role.HOTLINE_AGENT, Role.HANDLER, Role.UNIT_HEAD})
                or works_at_service_site(user)
            )
        ):
            return
        raise PermissionDenied("只有派单员或受理该诉求的坐席、窗口人员可以当场办结")
    if action == "resume" and has_any_role(user, DISPATCH_ROLES):
        return
    if action in {"dispatch", "reassign", "merge", "decide_request"}:
        if not has_any_role(user, DISPATCH_ROLES):
            raise PermissionDenied("只有派单员可以执行此操作")
        return
    if action == "follow_up":
        if not has_any_role(user, DISPATCH_ROLES | {Role.HOTLINE_AGENT, Role.BIZ_OFFICE}):
            raise PermissionDenied("只有派单员、热线坐席或营商办可以登记回访")
        return
    if action in {
        "accept",
        "return",
        "submit_reply",
        "request_extension",
        "request_suspension",
        "resume",
        "note",
    }:
        if not is_lead_unit_member(user, ticket):
            raise PermissionDenied("只有主办单位的承办人或负责人可以办理此诉求")
        return
    if action in {"approve_reply", "reject_reply"}:
        if not (ticket.lead_unit_id == user.unit_id and has_any_role(user, {Role.UNIT_HEAD})):
            raise PermissionDenied("只有主办单位负责人可以审核答复")
        return
    if action in {"rate", "withdraw"}:
        own = ticket.submitter_id == user.pk or (
            has_any_role(user, {Role.ENTERPRISE})
            and user.enterprise_id
            and ticket.enterprise_id == user.enterprise_id
        )
        if not own:
            raise PermissionDenied("只能评价或撤回本企业提交的诉求")
        return
    if action == "comment":
        if has_any_role(user, {Role.ENTERPRISE}):
            raise PermissionDenied("企业用户不能添加内部意见")
        return
    raise PermissionDenied()
