"""Who may see and do what in insight (the only place that decides)."""

from __future__ import annotations

from typing import Any

from bangban.accounts.access import has_any_role
from bangban.accounts.roles import Role
from bangban.core.errors import NotFound, PermissionDenied
from bangban.tickets.access import access_ticket
from bangban.tickets.models import Ticket
from bangban.tickets.queries import can_use_dispatch_queue

MANAGER_ROLES = frozenset({Role.BIZ_OFFICE, Role.ADMIN})


def can_manage_routing(user: Any) -> bool:
    """营商办 and administrators: the 智能分派 page, training, the threshold."""
    return bool(user.is_authenticated) and has_any_role(user, MANAGER_ROLES)


def can_see_suggestions(user: Any) -> bool:
    """Dispatchers (who act on the suggestions) and the managers of the models."""
    return bool(user.is_authenticated) and (can_use_dispatch_queue(user) or can_manage_routing(user))


def require_manager(user: Any) -> None:
    """The 智能分派 page is not there for anyone else (404, like the dispatch page)."""
    if not can_manage_routing(user):
        raise NotFound("智能分派页面只对营商办和系统管理员开放")


def require_training_right(user: Any) -> None:
    if not can_manage_routing(user):
        raise PermissionDenied("只有营商办和系统管理员可以训练智能分派模型")


def access_suggestion(user: Any, ticket_id: Any) -> Ticket:
    """The case whose suggestion `user` asks for: 404 when the case is missing or outside the
    user's scope, 403 when it is visible but the user does not dispatch (an enterprise's own case)."""
    ticket = access_ticket(user, ticket_id)
    if not can_see_suggestions(user):
        raise PermissionDenied("只有派单员、营商办和系统管理员可以查看智能分派建议")
    return ticket
